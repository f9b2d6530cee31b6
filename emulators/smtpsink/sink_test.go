package smtpsink

import (
	"crypto/tls"
	"net/smtp"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const multipartMsg = "From: Export <export@example.com>\r\n" +
	"To: root@example.com\r\n" +
	"Subject: =?utf-8?q?Export_of_r=C3=A4ksm=C3=B6rg=C3=A5s?=\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/alternative; boundary=\"b1\"\r\n" +
	"\r\n" +
	"--b1\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n" +
	"Content-Transfer-Encoding: quoted-printable\r\n" +
	"\r\n" +
	"Status: completed =E2=80=93 see the report\r\n" +
	"--b1\r\n" +
	"Content-Type: text/html; charset=utf-8\r\n" +
	"Content-Transfer-Encoding: base64\r\n" +
	"\r\n" +
	"PHA+U3RhdHVzOiBjb21wbGV0ZWQ8L3A+\r\n" +
	"--b1--\r\n"

func start(t *testing.T, o Options) *Sink {
	t.Helper()
	s, err := StartWith(t.TempDir(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

func TestStoresAndParsesMessages(t *testing.T) {
	s := start(t, Options{})
	for range 2 {
		if err := smtp.SendMail(s.Addr(), nil, "bounce@example.com", []string{"root@example.com", "b@example.com"}, []byte(multipartMsg)); err != nil {
			t.Fatal(err)
		}
	}
	msgs, err := s.Messages()
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 || filepath.Base(msgs[0].File) != "000001.eml" || filepath.Base(msgs[1].File) != "000002.eml" {
		t.Fatalf("got %d messages: %+v", len(msgs), msgs)
	}
	m := msgs[0]
	if m.From != "bounce@example.com" || !slices.Equal(m.To, []string{"root@example.com", "b@example.com"}) {
		t.Errorf("envelope = %q → %q", m.From, m.To)
	}
	if m.Subject != "Export of räksmörgås" {
		t.Errorf("subject = %q", m.Subject)
	}
	text, ok1 := m.Part("text/plain")
	html, ok2 := m.Part("text/html")
	if !ok1 || !ok2 || text.Body != "Status: completed – see the report" || html.Body != "<p>Status: completed</p>" {
		t.Errorf("parts = %+v", m.Parts)
	}
}

func TestInvalidMIMEIsAnError(t *testing.T) {
	s := start(t, Options{})
	bad := strings.Replace(multipartMsg, "--b1--", "--b2--", 1)
	if err := smtp.SendMail(s.Addr(), nil, "a@example.com", []string{"b@example.com"}, []byte(bad)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Messages(); err == nil {
		t.Error("a multipart message without its closing boundary parsed")
	}
}

func TestAuthAndSTARTTLS(t *testing.T) {
	serverTLS, roots, err := SelfSignedTLS()
	if err != nil {
		t.Fatal(err)
	}
	s := start(t, Options{TLSConfig: serverTLS, Username: "mailer", Password: "s3cret"})
	send := func(auth smtp.Auth) error {
		c, err := smtp.Dial(s.Addr())
		if err != nil {
			return err
		}
		defer c.Close()
		if err := c.StartTLS(&tls.Config{ServerName: "localhost", RootCAs: roots}); err != nil {
			return err
		}
		if auth != nil {
			if err := c.Auth(auth); err != nil {
				return err
			}
		}
		if err := c.Mail("a@example.com"); err != nil {
			return err
		}
		if err := c.Rcpt("b@example.com"); err != nil {
			return err
		}
		w, err := c.Data()
		if err != nil {
			return err
		}
		if _, err := w.Write([]byte(multipartMsg)); err != nil {
			return err
		}
		return w.Close()
	}
	if err := send(nil); err == nil {
		t.Error("message accepted without authentication")
	}
	if err := send(smtp.PlainAuth("", "mailer", "wrong", "127.0.0.1")); err == nil {
		t.Error("wrong password accepted")
	}
	if err := send(smtp.PlainAuth("", "mailer", "s3cret", "127.0.0.1")); err != nil {
		t.Fatalf("authenticated send over STARTTLS: %v", err)
	}
	if msgs, err := s.Messages(); err != nil || len(msgs) != 1 {
		t.Errorf("messages = %d, %v; want 1", len(msgs), err)
	}
}

func TestNumberingContinuesAfterRestart(t *testing.T) {
	dir := t.TempDir()
	for i := range 2 {
		s, err := Start(dir)
		if err != nil {
			t.Fatal(err)
		}
		if err := smtp.SendMail(s.Addr(), nil, "a@example.com", []string{"b@example.com"}, []byte(multipartMsg)); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(dir, []string{"000001.eml", "000002.eml"}[i])); err != nil {
			t.Error(err)
		}
	}
}

func TestCloseRightAfterStart(t *testing.T) {
	for range 50 {
		s, err := Start(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
