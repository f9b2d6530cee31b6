package notify

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/smtpsink"
	"github.com/orgexport/orgexport/shared/config"
)

// sinkSender starts an SMTP sink in the TLS mode and a Sender pointed at it.
func sinkSender(t *testing.T, mode string, user, pass string) (*smtpsink.Sink, *Sender) {
	t.Helper()
	var opts smtpsink.Options
	var roots *x509.CertPool
	if mode != "none" {
		serverTLS, pool, err := smtpsink.SelfSignedTLS()
		if err != nil {
			t.Fatal(err)
		}
		opts.TLSConfig, opts.ImplicitTLS, roots = serverTLS, mode == "tls", pool
	}
	opts.Username, opts.Password = "mailer", "s3cret"
	sink, err := smtpsink.StartWith(t.TempDir(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sink.Close() })
	host, port, _ := net.SplitHostPort(sink.Addr())
	p, _ := strconv.Atoi(port)
	cfg := config.Mail{Host: host, Port: p, TLS: mode, Username: user, Password: pass,
		From: "export@orgexport.example", ConsoleURL: "https://console.example.com", ArchiveURL: "https://storage.example.com/browser/bucket"}
	s, err := NewSender(cfg, Options{
		TLSConfig: &tls.Config{RootCAs: roots, ServerName: host, MinVersion: tls.VersionTLS12},
		Timeout:   5 * time.Second,
		Clock:     func() time.Time { return at("2026-11-04T17:31:00Z") },
	})
	if err != nil {
		t.Fatal(err)
	}
	return sink, s
}

func TestEmailsThroughTheSink(t *testing.T) {
	sink, s := sinkSender(t, "starttls", "mailer", "s3cret")
	ctx := context.Background()
	h, c, d := hold(), cancellation(), completion()
	if err := s.SendHoldNotice(ctx, h); err != nil {
		t.Fatal(err)
	}
	if err := s.SendCancellation(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := s.SendCompletion(ctx, d); err != nil {
		t.Fatal(err)
	}
	msgs, err := sink.Messages() // parses each with net/mail and mime/multipart
	if err != nil {
		t.Fatalf("received mail is not valid MIME: %v", err)
	}
	if len(msgs) != 3 {
		t.Fatalf("sink received %d messages, want 3", len(msgs))
	}
	want := []struct {
		to []string
		c  content
	}{{h.To, h.content(s.links)}, {c.To, c.content(s.links)}, {[]string{d.To}, d.content(s.links)}}
	for i, m := range msgs {
		w := want[i]
		if !slices.Equal(m.To, w.to) || m.From != "export@orgexport.example" {
			t.Errorf("message %d envelope %q → %q", i, m.From, m.To)
		}
		if m.Subject != w.c.Subject {
			t.Errorf("message %d subject = %q, want %q", i, m.Subject, w.c.Subject)
		}
		if ct := m.Header.Get("Content-Type"); !strings.HasPrefix(ct, "multipart/alternative;") {
			t.Errorf("message %d content type = %q", i, ct)
		}
		if date, err := m.Header.Date(); err != nil || !date.Equal(at("2026-11-04T17:31:00Z")) {
			t.Errorf("message %d date = %v, %v", i, date, err)
		}
		text, ok1 := m.Part("text/plain")
		html, ok2 := m.Part("text/html")
		if !ok1 || !ok2 || len(m.Parts) != 2 {
			t.Fatalf("message %d parts = %+v", i, m.Parts)
		}
		sameFacts(t, w.c, strings.ReplaceAll(text.Body, "\r\n", "\n"), html.Body)
	}
}

func TestTLSModes(t *testing.T) {
	for _, mode := range []string{"none", "starttls", "tls"} {
		t.Run(mode, func(t *testing.T) {
			sink, s := sinkSender(t, mode, "mailer", "s3cret")
			if err := s.SendCompletion(context.Background(), completion()); err != nil {
				t.Fatal(err)
			}
			if msgs, err := sink.Messages(); err != nil || len(msgs) != 1 {
				t.Errorf("got %d messages, %v", len(msgs), err)
			}
		})
	}
}

func TestWrongCredentialsFail(t *testing.T) {
	sink, s := sinkSender(t, "starttls", "mailer", "wrong")
	if err := s.SendCompletion(context.Background(), completion()); err == nil {
		t.Error("send with a wrong password succeeded")
	}
	if msgs, _ := sink.Messages(); len(msgs) != 0 {
		t.Errorf("sink received %d messages", len(msgs))
	}
}

func TestSendHonoursContext(t *testing.T) {
	_, s := sinkSender(t, "none", "mailer", "s3cret")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.SendCompletion(ctx, completion()); err == nil {
		t.Error("send with a cancelled context succeeded")
	}
}
