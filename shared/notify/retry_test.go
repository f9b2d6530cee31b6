package notify

import (
	"strings"
	"testing"

	"github.com/orgexport/orgexport/shared/export"
)

// The retry notice (R16) tells every super administrator who asked, what
// a retry does and where it goes; a retry's completion email (R11) says
// it is a retry and counts what was deleted since the export.
func TestRetryEmails(t *testing.T) {
	n := RetryNotice{To: []string{"root@example.com", "second@example.com"}, Domain: "example.com", ExportID: "exp-1",
		RetryID: "exp-1-retry-2", N: 2, RequestedBy: "second@example.com", RequestedAt: at("2026-11-10T09:00:00Z"),
		ExpiresAt: at("2026-12-04T17:30:00Z")}
	nc := n.content(testLinks)
	text, html, err := nc.render()
	if err != nil {
		t.Fatal(err)
	}
	sameFacts(t, nc, text, html)
	if nc.Subject != "Retry 2 of the data export of example.com requested by second@example.com" {
		t.Errorf("subject %q", nc.Subject)
	}
	for _, want := range []string{"retry-2/", "2 of at most 3", "2026-12-04T17:30:00Z", "https://console.example.com/exports/exp-1-retry-2",
		"does not count against the limit of one export per 30 days"} {
		if !strings.Contains(text, want) {
			t.Errorf("retry notice lacks %q:\n%s", want, text)
		}
	}
	c := completion()
	c.ExportID, c.Retry, c.RetryOf, c.State = "exp-1-retry-2", 2, "exp-1", export.Completed
	c.Totals.Deleted = 3
	cc := c.content(testLinks)
	text, html, err = cc.render()
	if err != nil {
		t.Fatal(err)
	}
	sameFacts(t, cc, text, html)
	if cc.Subject != "Retry 2 of the data export of example.com completed" {
		t.Errorf("subject %q", cc.Subject)
	}
	for _, want := range []string{"Items deleted since the export: 3", "Original export: exp-1", "Export ID: exp-1-retry-2"} {
		if !strings.Contains(text, want) {
			t.Errorf("retry completion lacks %q:\n%s", want, text)
		}
	}
}
