package notify

import (
	"bytes"
	"mime"
	"mime/multipart"
	"net/mail"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/orgexport/orgexport/shared/config"
)

// The headers a message may have; anything else was injected.
var allowedHeaders = []string{"Auto-Submitted", "Content-Transfer-Encoding", "Content-Type", "Date", "From",
	"Message-Id", "Mime-Version", "Subject", "To", "User-Agent", "X-Mailer"}

func FuzzHeader(f *testing.F) {
	for _, seed := range []string{
		"example.com",
		"evil.com\r\nBcc: victim@example.com",
		"evil.com\nContent-Type: text/html\n\n<script>",
		"a\rb\u2028c\u0085d\x00e",
		"=?utf-8?q?x=0D=0ABcc:_v@example.com?=",
		"räksmörgås.example",
		strings.Repeat("long ", 200),
	} {
		f.Add(seed)
	}
	s, err := NewSender(config.Mail{Host: "127.0.0.1", Port: 25, TLS: "none", From: "export@example.com",
		ConsoleURL: "https://c.example", ArchiveURL: "https://a.example"}, Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if got := HeaderText(in); strings.ContainsFunc(got, unicode.IsControl) {
			t.Fatalf("HeaderText(%q) = %q keeps a control character", in, got)
		}
		c := cancellation()
		c.Domain, c.RequestedBy, c.CancelledBy, c.Reason = in, in, in, in
		m, err := s.message(c.To, "", c.content(s.links))
		if err != nil {
			t.Fatal(err)
		}
		var raw bytes.Buffer
		if _, err := m.WriteTo(&raw); err != nil {
			t.Fatal(err)
		}
		checkMessage(t, raw.Bytes(), HeaderText(c.content(s.links).Subject))
	})
}

// checkMessage parses raw and fails on any header outside the allowed set,
// a subject other than want, or a body that is not two alternative parts.
func checkMessage(t *testing.T, raw []byte, want string) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("message does not parse: %v", err)
	}
	for k := range msg.Header {
		if !slices.Contains(allowedHeaders, k) {
			t.Fatalf("unexpected header %q in\n%s", k, raw)
		}
	}
	if len(msg.Header["To"]) != 1 || len(msg.Header["From"]) != 1 || len(msg.Header["Subject"]) != 1 {
		t.Fatalf("To/From/Subject repeated in\n%s", raw)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || subject != want {
		t.Fatalf("subject = %q (%v), want %q", subject, err, want)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("content type %q: %v", msg.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	var types []string
	for {
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		types = append(types, strings.SplitN(p.Header.Get("Content-Type"), ";", 2)[0])
	}
	if !slices.Equal(types, []string{"text/plain", "text/html"}) {
		t.Fatalf("parts = %q", types)
	}
}
