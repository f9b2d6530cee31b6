package startexport_test

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/config"
	"github.com/orgexport/orgexport/shared/notify"
)

// deadMailer is a mailer whose SMTP server does not answer.
func deadMailer(t *testing.T) *notify.Mailer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	ln.Close()
	p, _ := strconv.Atoi(port)
	sender, err := notify.NewSender(config.Mail{Host: "127.0.0.1", Port: p, TLS: "none", From: "orgexport@orgexport.example",
		ConsoleURL: "https://console.example", ArchiveURL: "https://storage.example/bucket"}, notify.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return &notify.Mailer{Sender: sender}
}

// R3a's email is the other admins' only warning: when the mail server is
// down at the request, the export stands and housekeeping sends the notice
// once the server is back, once.
func TestHoldNoticeSentLaterWhenMailWasDown(t *testing.T) {
	s := newStack(t, synth.Tiny(41))
	working := s.svc.Mail
	s.svc.Mail = &notify.Outbox{Mailer: deadMailer(t), Store: s.store, Now: s.clock.Now}
	v := s.start(s.user(0))
	if n := len(s.messages()); n != 0 {
		t.Fatalf("%d emails with the mail server down", n)
	}
	s.svc.Mail = working
	ctx := context.Background()
	for range 2 {
		if _, err := s.svc.Housekeeping(ctx); err != nil {
			t.Fatal(err)
		}
	}
	msgs := s.messages()
	if len(msgs) != 1 || len(msgs[0].To) != len(s.superAdmins()) {
		t.Fatalf("%d emails after housekeeping; want the one hold notice to every super administrator", len(msgs))
	}
	if text, _ := msgs[0].Part("text/plain"); !strings.Contains(text.Body, v.ID) {
		t.Errorf("the notice does not name export %s", v.ID)
	}
}

// R3d's cancellation notice is not lost to a mail server that is down at
// the cancel: it stays queued, Housekeeping sends it once the server is
// back, once, under the Message-ID every attempt carries.
func TestCancellationSentLaterWhenMailWasDown(t *testing.T) {
	s := newStack(t, synth.Tiny(42))
	v := s.start(s.user(0)) // the hold notice goes out
	working := s.svc.Mail
	s.svc.Mail = &notify.Outbox{Mailer: deadMailer(t), Store: s.store, Now: s.clock.Now}
	if r := s.as(s.user(0), http.MethodPost, "/exports/"+v.ID+":cancel", `{"note":"wrong day"}`); r.Code != http.StatusOK {
		t.Fatalf("cancel: %d %s", r.Code, r.Body)
	}
	if n := len(s.messages()); n != 1 {
		t.Fatalf("%d emails with the mail server down at the cancel; want only the hold notice", n)
	}
	ctx := context.Background()
	if _, err := s.svc.Housekeeping(ctx); err == nil {
		t.Error("housekeeping with the mail server still down reported no error")
	}
	s.svc.Mail = working
	for range 2 {
		if _, err := s.svc.Housekeeping(ctx); err != nil {
			t.Fatal(err)
		}
	}
	msgs := s.messages()
	if len(msgs) != 2 {
		t.Fatalf("%d emails after housekeeping; want the hold notice and one cancellation", len(msgs))
	}
	if id := msgs[1].Header.Get("Message-Id"); id != "<cancelled."+v.ID+"@orgexport.example>" {
		t.Errorf("the cancellation's Message-ID is %q; want the one every attempt carries", id)
	}
	if text, _ := msgs[1].Part("text/plain"); !strings.Contains(text.Body, "wrong day") {
		t.Errorf("the cancellation does not give the note:\n%s", text.Body)
	}
}
