package notify

import (
	"context"
	"strconv"
	"time"
)

// RetryNotice tells every super administrator that a retry of an export's
// failed items was requested (R16).
type RetryNotice struct {
	To          []string // every super administrator
	MessageID   string
	Domain      string
	ExportID    string // the original export
	RetryID     string
	N           int // the retry's number, from 1
	RequestedBy string
	RequestedAt time.Time
	ExpiresAt   time.Time // the original's expiry, which the retry keeps
}

func (n *RetryNotice) content(l links) content {
	d, by, num := line(n.Domain), line(n.RequestedBy), strconv.Itoa(n.N)
	return content{
		Subject: "Retry " + num + " of the data export of " + d + " requested by " + by,
		Intro: by + " asked to export again the items that the export " + line(n.ExportID) + " of " + d +
			" could not export. The retry starts at once; what it recovers is put beside the original export, in retry-" + num + "/.",
		Facts: []fact{
			{"Requested by", by},
			{"Requested", utc(n.RequestedAt)},
			{"Original export", line(n.ExportID)},
			{"Retry", num + " of at most 3"},
			{"Retry ID", line(n.RetryID)},
			{"Available until", utc(n.ExpiresAt)},
		},
		Links: []fact{{"Retry status (cancel it here)", l.status(n.RetryID)}, {"Original export", l.status(n.ExportID)}},
		Notes: []string{
			"Every super administrator receives this email.",
			"A retry does not change when the export's data is deleted, and does not count against the limit of one export per 30 days.",
		},
	}
}

// SendRetryNotice emails every super administrator that a retry was
// requested (R16). Not idempotent: see the package documentation.
func (s *Sender) SendRetryNotice(ctx context.Context, n RetryNotice) error {
	return s.send(ctx, "retry notice", n.RetryID, n.MessageID, n.To, n.content(s.links))
}
