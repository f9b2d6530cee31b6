package notify

import (
	"strconv"
	"strings"
	"time"

	"github.com/orgexport/orgexport/shared/export"
)

// HoldNotice tells every super administrator that an export was requested
// and when it starts (R3a).
type HoldNotice struct {
	To          []string // every super administrator of the organisation
	MessageID   string   // the Message-ID's left part, the same for every attempt; random when empty
	Domain      string
	ExportID    string
	RequestedBy string // the requesting admin's email
	RequestedAt time.Time
	StartsAt    time.Time // the end of the hold
}

// Cancellation tells who cancelled an export and why (R3c, R3d).
type Cancellation struct {
	To          []string // the other super administrators, or the requester
	MessageID   string
	Domain      string
	ExportID    string
	RequestedBy string
	RequestedAt time.Time
	// CancelledBy is the admin who cancelled; empty when orgexport
	// cancelled by itself (the requester stopped being a super admin, R3c).
	CancelledBy string
	CancelledAt time.Time
	Reason      string
}

// Completion tells the requesting admin that the export finished (R11).
type Completion struct {
	To          string // the requesting admin
	MessageID   string
	Domain      string
	ExportID    string
	State       export.State // COMPLETED or COMPLETED_WITH_ERRORS
	RequestedAt time.Time
	StartedAt   time.Time
	FinishedAt  time.Time
	ExpiresAt   time.Time // when the archive is deleted (R12); zero to omit
	Totals      Totals
	// ArchivePrefix is the export's root in the bucket,
	// "{customerId}/{exportId}"; links to the report and the archive are
	// built from it.
	ArchivePrefix string
	// Retry is, for a retry of what failed (R16), its number, and RetryOf
	// the original export; zero for a full export.
	Retry   int
	RetryOf string
}

// Totals are the export's totals as the completion email states them.
type Totals struct {
	Accounts           int
	AccountsWithErrors int
	Exported           int64
	Failed             int64
	Unsupported        int   // products and data types that could not be exported
	Deleted            int64 // a retry's items deleted since the export (R16)
}

func (n *HoldNotice) content(l links) content {
	d, by := line(n.Domain), line(n.RequestedBy)
	return content{
		Subject: "Data export of " + d + " requested by " + by,
		Intro: by + " requested an export of all data of all accounts of " + d + ". Because " + d +
			" has more than one super administrator, the export waits " + hours(n.StartsAt.Sub(n.RequestedAt)) +
			" and starts at " + utc(n.StartsAt) + ".",
		Facts: []fact{
			{"Requested by", by},
			{"Requested", utc(n.RequestedAt)},
			{"Export starts", utc(n.StartsAt)},
			{"Export ID", line(n.ExportID)},
		},
		Links: []fact{{"Export status (cancel it here)", l.status(n.ExportID)}},
		Notes: []string{
			"Every super administrator of " + d + " receives this email.",
			"If you did not expect this export, any super administrator can cancel it before it starts: open the export's status page and choose Cancel.",
		},
	}
}

func (c *Cancellation) content(l links) content {
	d, by := line(c.Domain), line(c.RequestedBy)
	who, intro := line(c.CancelledBy), "was cancelled by "+line(c.CancelledBy)
	if c.CancelledBy == "" {
		who, intro = "orgexport (automatically)", "was cancelled automatically"
	}
	return content{
		Subject: "Data export of " + d + " cancelled",
		Intro: "The export of all data of " + d + ", requested by " + by + " at " + utc(c.RequestedAt) + ", " +
			intro + " at " + utc(c.CancelledAt) + ". Reason: " + line(c.Reason) + ".",
		Facts: []fact{
			{"Requested by", by},
			{"Requested", utc(c.RequestedAt)},
			{"Cancelled by", who},
			{"Cancelled", utc(c.CancelledAt)},
			{"Reason", line(c.Reason)},
			{"Export ID", line(c.ExportID)},
		},
		Links: []fact{{"Export status", l.status(c.ExportID)}},
		Notes: []string{"No more data of this export will be exported."},
	}
}

func (c *Completion) content(l links) content {
	d, status := line(c.Domain), statusText(c.State)
	t := c.Totals
	facts := []fact{
		{"Status", status},
		{"Requested", utc(c.RequestedAt)},
		{"Started", utc(c.StartedAt)},
		{"Finished", utc(c.FinishedAt)},
		{"Accounts", count(int64(t.Accounts))},
		{"Accounts with errors", count(int64(t.AccountsWithErrors))},
		{"Items exported", count(t.Exported)},
		{"Items failed", count(t.Failed)},
		{"Products and data types not exported", count(int64(t.Unsupported))},
		{"Export ID", line(c.ExportID)},
	}
	notes := []string{"The report lists every account with errors, each file that could not be exported and why, and what could not be exported at all."}
	if !c.ExpiresAt.IsZero() {
		facts = append(facts, fact{"Available until", utc(c.ExpiresAt)})
		notes = append(notes, "The archive is deleted permanently at "+utc(c.ExpiresAt)+". Download what you need before then.")
	}
	subject := "Data export of " + d + " " + lowerFirst(status)
	intro := "The export of all data of " + d + " that you requested at " + utc(c.RequestedAt) + " has finished: " + lowerFirst(status) + "."
	if c.Retry > 0 {
		n := strconv.Itoa(c.Retry)
		subject = "Retry " + n + " of the data export of " + d + " " + lowerFirst(status)
		intro = "Retry " + n + " of the export " + line(c.RetryOf) + " of " + d + ", which exports again only what failed and that you requested at " +
			utc(c.RequestedAt) + ", has finished: " + lowerFirst(status) + ". Items exported are those recovered; the original's report links to it."
		facts = append(facts[:len(facts)-1], fact{"Items deleted since the export", count(t.Deleted)}, fact{"Original export", line(c.RetryOf)}, facts[len(facts)-1])
	}
	return content{
		Subject: subject,
		Intro:   intro,
		Facts:   facts,
		Links: []fact{
			{"Export status", l.status(c.ExportID)},
			{"Report", l.object(c.ArchivePrefix, "report.html")},
			{"Archive", l.object(c.ArchivePrefix, "")},
		},
		Notes: notes,
	}
}

func statusText(s export.State) string {
	switch s {
	case export.Completed:
		return "Completed"
	case export.CompletedWithErrors:
		return "Completed with errors"
	case export.Cancelled:
		return "Cancelled"
	}
	return line(string(s))
}

func lowerFirst(s string) string {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return s
	}
	return string(s[0]+'a'-'A') + s[1:]
}

// count writes a number with comma thousands separators, the same under
// every locale: 2500000 → "2,500,000".
func count(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	if n < 0 {
		b.WriteByte('-')
		s = s[1:]
	}
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
