package startexport_test

import (
	"context"
	"net"
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
	s.svc.Mail = deadMailer(t)
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
