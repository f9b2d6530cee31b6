package console

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/orgexport/orgexport/shared/blob"
	"github.com/orgexport/orgexport/shared/export"
)

// step is one stage of an export's timeline.
type step struct {
	Key, Label string
	At         time.Time
	// Reached: the export got there; Current: it is there now.
	Reached, Current bool
	Note             string
}

func timeline(e *export.Export, now time.Time) []step {
	held := e.HoldEnd.After(e.RequestedAt)
	holdNote := "No hold: the organisation has one super administrator, so the export started at once."
	if held {
		holdNote = "Until " + e.HoldEnd.UTC().Format("2 Jan 2006, 15:04 MST") + "; every super administrator was emailed."
	}
	steps := []step{
		{Key: "requested", Label: "Requested by " + e.RequestedBy, At: e.RequestedAt, Reached: true},
		{Key: "hold", Label: "Hold", At: e.RequestedAt, Reached: held || !e.StartedAt.IsZero(), Current: e.State == export.OnHold, Note: holdNote},
		{Key: "running", Label: "Running", At: e.StartedAt, Reached: !e.StartedAt.IsZero(), Current: e.State == export.Running},
		{Key: "assembling", Label: "Assembling the report", At: e.FinishedAt, Reached: !e.FinishedAt.IsZero(), Current: e.State == export.Assembling},
	}
	if e.State == export.OnHold {
		steps[2].At = e.HoldEnd // expected
	}
	switch {
	case e.State == export.Cancelled:
		note := "By " + e.CancelledBy
		if e.CancelNote != "" {
			note += ": “" + e.CancelNote + "”"
		}
		steps = append(steps, step{Key: "cancelled", Label: "Cancelled", At: e.CancelledAt, Reached: true, Current: true, Note: note})
	default:
		steps = append(steps, step{Key: "completed", Label: stateLabel(export.Completed), At: e.CompletedAt, Reached: !e.CompletedAt.IsZero(),
			Current: e.State.Done(), Note: completedNote(e)})
		exp := step{Key: "expired", Label: "Expired", At: e.Expires, Reached: e.State == export.Expired, Current: e.State == export.Expired,
			Note: "The archive is deleted 30 days after completion."}
		steps = append(steps, exp)
	}
	return steps
}

func completedNote(e *export.Export) string {
	if e.State == export.CompletedWithErrors {
		return "With errors: see the report."
	}
	return ""
}

// exportData is the export's page.
type exportData struct {
	E           *export.Export
	Steps       []step
	Cancellable bool
	// Paths are the archive's gs:// paths; Command downloads it all with
	// the command line (cmd/orgexport), which takes gs:// paths.
	Paths   []string
	Command string
	Now     time.Time
	// Retry is what the page says of retrying the failed items (R16).
	Retry retryOffer
}

func (c *Console) exportData(e *export.Export) exportData {
	root := "gs://" + c.o.Bucket + "/" + e.Prefix
	return exportData{E: e, Steps: timeline(e, c.o.Now()), Now: c.o.Now().UTC(),
		Cancellable: e.State == export.OnHold || e.State == export.Running,
		Paths:       []string{root + "report.html", root + "report.json", root + "manifest.json", root + " (every account's folder)"},
		Command:     "orgexport download " + strings.TrimSuffix(root, "/") + " " + e.ID}
}

func (c *Console) exportPage(w http.ResponseWriter, r *http.Request, s session) {
	e, err := c.o.Control.Get(r.Context(), s.principal(), r.PathValue("id"))
	if err != nil {
		c.refuseAs(w, r, err, s.principal())
		return
	}
	data := c.exportData(e)
	data.Retry = c.retryOffer(r, s, e)
	p := s.page("Export "+e.ID, "history", data)
	p.Script = "export.js"
	c.render(w, r, http.StatusOK, "export", p)
}

// cancel cancels during the hold (R3d) or while running, with an
// optional note for the other super administrators.
func (c *Console) cancel(w http.ResponseWriter, r *http.Request, s session) {
	note := r.PostFormValue("note")
	if utf8.RuneCountInString(note) > 1000 {
		c.showRefusal(w, r, refusal{Status: http.StatusBadRequest, Title: "The note is too long",
			Message: "A cancellation note has at most 1,000 characters. Nothing was cancelled.", Steps: []string{"Go back, shorten the note and cancel again."}, Home: true})
		return
	}
	e, err := c.o.Control.Cancel(r.Context(), s.principal(), r.PathValue("id"), note)
	if err != nil {
		c.refuseAs(w, r, err, s.principal())
		return
	}
	http.Redirect(w, r, base(r)+"/exports/"+e.ID, http.StatusSeeOther)
}

// report serves the export's report.html from the archive, to the
// organisation's super administrators only, sandboxed: no script runs.
func (c *Console) report(w http.ResponseWriter, r *http.Request, s session) {
	e, err := c.o.Control.Get(r.Context(), s.principal(), r.PathValue("id"))
	if err != nil {
		c.refuseAs(w, r, err, s.principal())
		return
	}
	if !e.State.Done() {
		title := "The report is not ready"
		msg := "The report is written when the export completes."
		if e.State == export.Expired {
			title, msg = "The export has expired", "Its archive and report were deleted 30 days after it completed. Start a new export to get the data again."
		} else if e.State == export.Cancelled {
			msg = "The export was cancelled, so it has no report."
		}
		c.showRefusal(w, r, refusal{Status: http.StatusNotFound, Title: title, Message: msg,
			Link: "exports/" + e.ID, LinkText: "Back to the export", Home: true})
		return
	}
	rd, err := c.o.Reports.NewReader(r.Context(), e.Prefix+"report.html")
	if errors.Is(err, blob.ErrNotExist) {
		c.showRefusal(w, r, refusal{Status: http.StatusNotFound, Title: "The report is not in the archive",
			Message: "The export completed, but its report.html cannot be found in the bucket.", Link: "exports/" + e.ID, LinkText: "Back to the export", Home: true})
		return
	}
	if err != nil {
		c.refuse(w, r, err, pageServerError)
		return
	}
	defer rd.Close()
	h := w.Header()
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:")
	h.Set("Content-Type", "text/html; charset=utf-8")
	if _, err := io.Copy(w, rd); err != nil {
		c.log.WarnContext(r.Context(), "report not fully sent", "export", e.ID, "error", err)
	}
}

// reportLink answers the report's relative links to archive files, which
// resolve under the console: the files are downloaded from the export's
// page (signed links), not through the console.
func (c *Console) reportLink(w http.ResponseWriter, r *http.Request, s session) {
	e, err := c.o.Control.Get(r.Context(), s.principal(), r.PathValue("id"))
	if err != nil {
		c.refuseAs(w, r, err, s.principal())
		return
	}
	c.showRefusal(w, r, refusal{Status: http.StatusNotFound, Title: "Download the files from the export's page",
		Message: "The report links to the archive's files; the console does not serve them. The export's page has a download link for every file, and the command that downloads them all.",
		Link:    "exports/" + e.ID, LinkText: "Go to the export's downloads", Home: true})
}
