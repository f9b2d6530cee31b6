package console

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/orgexport/orgexport/shared/control"
	"github.com/orgexport/orgexport/shared/export"
)

// homeData is the home page: the organisation, R1's checklist, R2's state.
type homeData struct {
	C control.Checklist
	// Reasons say why Start is disabled; none when it is enabled.
	Reasons []string
	// Estimate is the confirmation's prediction; NoEstimate says why
	// there is none.
	Estimate   *export.Estimate
	NoEstimate string
}

func (c *Console) home(w http.ResponseWriter, r *http.Request, s session) {
	cl, err := c.o.Control.Checklist(r.Context(), s.principal())
	if err != nil {
		c.refuseAs(w, r, err, s.principal())
		return
	}
	p := s.page(cl.Org.Domain, "home", homeData{C: cl, Reasons: reasons(cl)})
	p.Script = "home.js"
	c.render(w, r, http.StatusOK, "home", p)
}

func reasons(cl control.Checklist) []string {
	var out []string
	for _, r := range cl.Rules {
		if !r.Passed {
			out = append(out, r.Rule+" is not met: "+r.Title+".")
		}
	}
	if cl.ActiveExport != "" {
		out = append(out, "An export is in progress; your organisation can have one at a time.")
	}
	if !cl.NextStart.IsZero() {
		out = append(out, "The next export is possible on "+cl.NextStart.UTC().Format("2 January 2006, 15:04 MST")+", 30 days after the last one completed.")
	}
	return out
}

// confirmStart says exactly what pressing Start will do.
func (c *Console) confirmStart(w http.ResponseWriter, r *http.Request, s session) {
	cl, err := c.o.Control.Checklist(r.Context(), s.principal())
	if err != nil {
		c.refuseAs(w, r, err, s.principal())
		return
	}
	d := homeData{C: cl, Reasons: reasons(cl)}
	if len(d.Reasons) == 0 {
		est, err := c.o.Control.Estimate(r.Context(), s.principal())
		switch {
		case err == nil:
			d.Estimate = &est
		case errors.Is(err, export.ErrNoEstimate):
			d.NoEstimate = capitalise(err.Error()) + "."
		default:
			// The estimate is a convenience: the export can start without it.
			c.log.WarnContext(r.Context(), "no estimate for the confirmation", "error", err)
			d.NoEstimate = "The estimate could not be made right now (" + err.Error() + "); the export can still be started."
		}
	}
	c.render(w, r, http.StatusOK, "confirm", s.page("Start an export of "+cl.Org.Domain, "home", d))
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// start requests the export; the control plane checks R1–R3 again.
func (c *Console) start(w http.ResponseWriter, r *http.Request, s session) {
	e, err := c.o.Control.Start(r.Context(), s.principal(), control.StartRequest{})
	if err != nil {
		c.refuseAs(w, r, err, s.principal())
		return
	}
	http.Redirect(w, r, base(r)+"/exports/"+e.ID, http.StatusSeeOther)
}

// pager cuts a newest-first list into pages.
type pager struct {
	Page, Pages, Total int
}

func paginate[T any](r *http.Request, all []T, per int) ([]T, pager) {
	n, _ := strconv.Atoi(r.URL.Query().Get("page"))
	pages := max(1, (len(all)+per-1)/per)
	n = min(max(n, 1), pages)
	lo, hi := (n-1)*per, min(n*per, len(all))
	return all[lo:hi], pager{Page: n, Pages: pages, Total: len(all)}
}

type historyData struct {
	Exports []*export.Export
	Pager   pager
}

func (c *Console) history(w http.ResponseWriter, r *http.Request, s session) {
	es, err := c.o.Control.List(r.Context(), s.principal())
	if err != nil {
		c.refuseAs(w, r, err, s.principal())
		return
	}
	list, pg := paginate(r, es, 10)
	c.render(w, r, http.StatusOK, "history", s.page("Exports", "history", historyData{Exports: list, Pager: pg}))
}

// auditRow is an audit entry with its details as sorted text.
type auditRow struct {
	export.AuditEntry
	Details []string
}

type auditData struct {
	Entries []auditRow
	Pager   pager
}

func (c *Console) audit(w http.ResponseWriter, r *http.Request, s session) {
	entries, err := c.o.Control.AuditLog(r.Context(), s.principal())
	if err != nil {
		c.refuseAs(w, r, err, s.principal())
		return
	}
	list, pg := paginate(r, entries, 25)
	rows := make([]auditRow, len(list))
	for i, e := range list {
		rows[i] = auditRow{AuditEntry: e}
		for _, k := range slices.Sorted(maps.Keys(e.Detail)) {
			rows[i].Details = append(rows[i].Details, fmt.Sprintf("%s: %v", k, e.Detail[k]))
		}
	}
	c.render(w, r, http.StatusOK, "audit", s.page("Audit log", "audit", auditData{Entries: rows, Pager: pg}))
}

// stateLabel names a state for people.
func stateLabel(s export.State) string {
	switch s {
	case export.OnHold:
		return "On hold"
	case export.Running:
		return "Running"
	case export.Assembling:
		return "Assembling the report"
	case export.Completed:
		return "Completed"
	case export.CompletedWithErrors:
		return "Completed with errors"
	case export.Cancelled:
		return "Cancelled"
	case export.Expired:
		return "Expired"
	}
	return string(s)
}
