package notify

import (
	"flag"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/orgexport/orgexport/shared/config"
	"github.com/orgexport/orgexport/shared/export"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

var testLinks = links{console: "https://console.example.com/", archive: "https://storage.example.com/browser/orgexport-archive"}

func hold() HoldNotice {
	return HoldNotice{To: []string{"root@example.com", "second@example.com"}, Domain: "example.com",
		ExportID: "exp-1", RequestedBy: "root@example.com",
		RequestedAt: at("2026-11-01T09:00:00Z"), StartsAt: at("2026-11-03T10:00:00+01:00")}
}

func cancellation() Cancellation {
	return Cancellation{To: []string{"root@example.com"}, Domain: "example.com", ExportID: "exp-1",
		RequestedBy: "root@example.com", RequestedAt: at("2026-11-01T09:00:00Z"),
		CancelledBy: "second@example.com", CancelledAt: at("2026-11-02T12:30:00Z"),
		Reason: "Not approved <by the board> & legal"}
}

func completion() Completion {
	return Completion{To: "root@example.com", Domain: "example.com", ExportID: "exp-1",
		State: export.CompletedWithErrors, RequestedAt: at("2026-11-01T09:00:00Z"),
		StartedAt: at("2026-11-03T09:00:00Z"), FinishedAt: at("2026-11-04T17:30:00Z"),
		ExpiresAt:     at("2026-12-04T17:30:00Z"),
		Totals:        Totals{Accounts: 10000, AccountsWithErrors: 12, Exported: 2500000, Failed: 340, Unsupported: 2},
		ArchivePrefix: "C01abcd/exp-1"}
}

func TestGolden(t *testing.T) {
	for name, c := range map[string]content{
		"hold":         func() content { n := hold(); return n.content(testLinks) }(),
		"cancellation": func() content { n := cancellation(); return n.content(testLinks) }(),
		"automatic-cancellation": func() content {
			n := cancellation()
			n.CancelledBy, n.Reason = "", "the requesting admin is no longer a super administrator"
			return n.content(testLinks)
		}(),
		"completion": func() content { n := completion(); return n.content(testLinks) }(),
	} {
		text, html, err := c.render()
		if err != nil {
			t.Fatal(err)
		}
		golden(t, name+".txt", c.Subject+"\n\n"+text)
		golden(t, name+".html", html)
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from its golden file; run go test -update and review the diff", name)
	}
}

var tags = regexp.MustCompile(`<[^>]*>`)

// visible is the text a reader of the HTML part sees.
func visible(h string) string { return html.UnescapeString(tags.ReplaceAllString(h, " ")) }

// sameFacts checks that both parts state every fact and link of c.
func sameFacts(t *testing.T, c content, text, htmlPart string) {
	t.Helper()
	seen := visible(htmlPart)
	for _, f := range append(append([]fact{}, c.Facts...), c.Links...) {
		for part, body := range map[string]string{"text": text, "html": seen} {
			if !strings.Contains(body, f.Label) || !strings.Contains(body, f.Value) {
				t.Errorf("%s part lacks %s: %s", part, f.Label, f.Value)
			}
		}
	}
	for _, l := range c.Links {
		if !strings.Contains(htmlPart, `href="`+html.EscapeString(l.Value)+`"`) {
			t.Errorf("html part has no link to %s", l.Value)
		}
	}
	if !strings.Contains(text, c.Intro) || !strings.Contains(seen, c.Intro) {
		t.Errorf("a part lacks the introduction %q", c.Intro)
	}
}

func TestBothPartsCarryTheSameFacts(t *testing.T) {
	h, c, d := hold(), cancellation(), completion()
	for _, ct := range []content{h.content(testLinks), c.content(testLinks), d.content(testLinks)} {
		text, html, err := ct.render()
		if err != nil {
			t.Fatal(err)
		}
		sameFacts(t, ct, text, html)
	}
}

func TestContentStatesWhatTheSpecAsks(t *testing.T) {
	h := hold()
	hc := h.content(testLinks)
	text, _, _ := hc.render()
	for _, want := range []string{"root@example.com requested", "2026-11-01T09:00:00Z", "waits 48 hours", "starts at 2026-11-03T09:00:00Z", "choose Cancel", "https://console.example.com/exports/exp-1"} {
		if !strings.Contains(text, want) {
			t.Errorf("hold notice lacks %q:\n%s", want, text)
		}
	}
	d := completion()
	dc := d.content(testLinks)
	text, _, _ = dc.render()
	for _, want := range []string{"Status: Completed with errors", "Accounts: 10,000", "Items failed: 340",
		"Report: https://storage.example.com/browser/orgexport-archive/C01abcd/exp-1/report.html",
		"Archive: https://storage.example.com/browser/orgexport-archive/C01abcd/exp-1/"} {
		if !strings.Contains(text, want) {
			t.Errorf("completion lacks %q:\n%s", want, text)
		}
	}
	if dc.Subject != "Data export of example.com completed with errors" {
		t.Errorf("subject = %q", dc.Subject)
	}
}

func TestUserTextEscaped(t *testing.T) {
	c := cancellation()
	c.Domain = `<img src=x onerror=alert(1)>.example`
	c.Reason = "line one\r\nBcc: victim@example.com\n<script>alert(1)</script>"
	ct := c.content(testLinks)
	text, htmlPart, err := ct.render()
	if err != nil {
		t.Fatal(err)
	}
	for _, raw := range []string{"<img", "<script"} {
		if strings.Contains(htmlPart, raw) {
			t.Errorf("html part contains unescaped %q", raw)
		}
	}
	if !strings.Contains(visible(htmlPart), "<script>alert(1)</script>") {
		t.Error("the reason is not shown as text")
	}
	if strings.Contains(text, "\nBcc:") || strings.Contains(text, "one\r") {
		t.Errorf("a line break in the reason reached the text part:\n%s", text)
	}
	if strings.ContainsAny(ct.Subject, "\r\n") {
		t.Errorf("subject %q has a line break", ct.Subject)
	}
}

func TestBadAddressesRejected(t *testing.T) {
	s, err := NewSender(config.Mail{Host: "127.0.0.1", Port: 25, TLS: "none", From: "export@example.com",
		ConsoleURL: "https://c.example", ArchiveURL: "https://a.example"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := hold()
	for _, to := range []string{"", "a@example.com\r\nBcc: b@example.com", "Name <a@example.com>", "a@example.com, b@example.com", "not an address"} {
		if _, err := s.message([]string{to}, "", c.content(s.links)); err == nil {
			t.Errorf("recipient %q accepted", to)
		}
	}
	if _, err := s.message(nil, "", c.content(s.links)); err == nil {
		t.Error("message without recipients accepted")
	}
}

func TestNewSenderChecksConfig(t *testing.T) {
	ok := config.Mail{Host: "smtp.example.com", Port: 587, TLS: "starttls", From: "export@example.com",
		ConsoleURL: "https://c.example", ArchiveURL: "https://a.example", Username: "u", Password: "p"}
	if _, err := NewSender(ok, Options{}); err != nil {
		t.Fatalf("valid configuration refused: %v", err)
	}
	bad := map[string]func(*config.Mail){
		"credentials in the clear": func(m *config.Mail) { m.TLS = "none" },
		"unknown TLS mode":         func(m *config.Mail) { m.TLS = "maybe" },
		"from with a line break":   func(m *config.Mail) { m.From = "export@example.com\r\nBcc: x@example.com" },
		"no host":                  func(m *config.Mail) { m.Host = "" },
	}
	for name, breakIt := range bad {
		m := ok
		breakIt(&m)
		if _, err := NewSender(m, Options{}); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestCount(t *testing.T) {
	for in, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 2500000: "2,500,000", -1234: "-1,234", -9223372036854775808: "-9,223,372,036,854,775,808"} {
		if got := count(in); got != want {
			t.Errorf("count(%d) = %q, want %q", in, got, want)
		}
	}
}
