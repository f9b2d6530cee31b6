package startexport

import (
	"context"
	"net/http"
	"time"

	"github.com/orgexport/orgexport/shared/auth"
	"github.com/orgexport/orgexport/shared/control"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/httpapi"
)

func (h *Handler) start(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	var body control.StartRequest
	if err := httpapi.Decode(r, &body, true); err != nil {
		h.fail(w, r, err)
		return
	}
	e, err := h.Service.Start(r.Context(), p, body)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "exports/"+e.ID)
	httpapi.JSON(w, http.StatusAccepted, h.view(r.Context(), e, false))
}

func (h *Handler) list(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	es, err := h.Service.List(r.Context(), p)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]View, 0, len(es))
	for _, e := range es {
		out = append(out, h.view(r.Context(), e, false))
	}
	httpapi.JSON(w, http.StatusOK, map[string]any{"exports": out})
}

func (h *Handler) get(w http.ResponseWriter, r *http.Request, p auth.Principal, id string) {
	e, err := h.Service.Get(r.Context(), p, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	httpapi.JSON(w, http.StatusOK, h.view(r.Context(), e, true))
}

func (h *Handler) cancel(w http.ResponseWriter, r *http.Request, p auth.Principal, id string) {
	var body struct {
		Note string `json:"note"`
	}
	if err := httpapi.Decode(r, &body, true); err != nil {
		h.fail(w, r, err)
		return
	}
	if len(body.Note) > 1000 {
		h.fail(w, r, httpapi.BadRequest("The note is longer than 1,000 characters."))
		return
	}
	e, err := h.Service.Cancel(r.Context(), p, id, body.Note)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	httpapi.JSON(w, http.StatusOK, h.view(r.Context(), e, false))
}

// retryFailed starts a remediation export of what export id failed (R16):
// 202 with the retry's view and its Location, or 409 with the reason.
func (h *Handler) retryFailed(w http.ResponseWriter, r *http.Request, p auth.Principal, id string) {
	// retry is the number of the retry asked for, as the caller saw the
	// export (optional): a request sent again gets the same retry.
	var body struct {
		Retry int `json:"retry"`
	}
	if err := httpapi.Decode(r, &body, true); err != nil {
		h.fail(w, r, err)
		return
	}
	if body.Retry < 0 || body.Retry > export.MaxRemediations {
		h.fail(w, r, httpapi.BadRequest("retry is the number of the retry asked for, 1 to %d, or absent for the next one.", export.MaxRemediations))
		return
	}
	e, made, err := h.Service.RetryFailed(r.Context(), p, id, body.Retry)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "exports/"+e.ID)
	code := http.StatusAccepted
	if !made { // the retry this request asks for was made by another
		code = http.StatusOK
	}
	httpapi.JSON(w, code, h.view(r.Context(), e, false))
}

func (h *Handler) audit(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	entries, err := h.Service.AuditLog(r.Context(), p)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	httpapi.JSON(w, http.StatusOK, map[string]any{"entries": entries})
}

// View is an export as the API shows it.
type View struct {
	ID            string       `json:"id"`
	State         export.State `json:"state"`
	RequestedBy   string       `json:"requested_by"`
	RequestedAt   time.Time    `json:"requested_at"`
	HoldEnd       time.Time    `json:"hold_end"`
	HoldRemaining string       `json:"hold_remaining,omitempty"`
	CutOff        *time.Time   `json:"cut_off,omitempty"`
	StartedAt     *time.Time   `json:"started_at,omitempty"`
	Deadline      *time.Time   `json:"deadline,omitempty"`
	CompletedAt   *time.Time   `json:"completed_at,omitempty"`
	ExpiresAt     *time.Time   `json:"expires_at,omitempty"`
	CancelledBy   string       `json:"cancelled_by,omitempty"`
	// DataDeletedAt is when a cancelled export's objects were all deleted.
	DataDeletedAt *time.Time           `json:"data_deleted_at,omitempty"`
	Progress      *ProgressView        `json:"progress,omitempty"`
	Totals        *export.Totals       `json:"totals,omitempty"`
	Unsupported   []export.Unsupported `json:"unsupported,omitempty"`
	Links         map[string]string    `json:"links,omitempty"`
	// RetryOf is, for a retry of what failed (R16), the original export and
	// the retry's number; Retries are an original's retries.
	RetryOf string            `json:"retry_of,omitempty"`
	Retry   int               `json:"retry,omitempty"`
	Retries []export.RetryRef `json:"retries,omitempty"`
	// Estimate is what the usage reports predicted when the export was
	// requested (absent when they had none).
	Estimate *EstimateView `json:"estimate,omitempty"`
}

// ProgressView counts accounts and what they exported so far.
type ProgressView struct {
	AccountsTotal int64 `json:"accounts_total"`
	AccountsDone  int64 `json:"accounts_done"`
	Files         int64 `json:"files"`
	Bytes         int64 `json:"bytes"`
	FailedItems   int64 `json:"failed_items"`
	// LeftSeconds is the time a running export still needs: its bytes and
	// items against the estimate, or else its accounts' pace.
	LeftSeconds *float64 `json:"left_seconds,omitempty"`
}

func opt(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func (h *Handler) view(ctx context.Context, e *export.Export, progress bool) View {
	v := View{ID: e.ID, State: e.State, RequestedBy: e.RequestedBy, RequestedAt: e.RequestedAt, HoldEnd: e.HoldEnd,
		CutOff: opt(e.CutOff), StartedAt: opt(e.StartedAt), Deadline: opt(e.Deadline), CompletedAt: opt(e.CompletedAt),
		ExpiresAt: opt(e.Expires), CancelledBy: e.CancelledBy, DataDeletedAt: opt(e.DataDeletedAt), Unsupported: e.Unsupported,
		RetryOf: e.Parent, Retry: e.Retry, Retries: e.Retries}
	if e.State == export.OnHold {
		now := h.now()
		v.HoldRemaining = "0s"
		if left := e.HoldEnd.Sub(now); left > 0 {
			v.HoldRemaining = left.Round(time.Second).String()
		}
	}
	if progress && e.State != export.OnHold {
		// Progress is a convenience: without it the export is still shown.
		p, err := h.Service.Progress(ctx, e)
		if err != nil {
			h.Log.WarnContext(ctx, "progress not read", "export", e.ID, "error", err)
		} else {
			v.Progress = &ProgressView{AccountsTotal: p.Accounts, AccountsDone: p.Final,
				Files: p.Files, Bytes: p.Bytes, FailedItems: p.FailedItems}
			if e.State == export.Running && !e.StartedAt.IsZero() {
				if left, ok := export.TimeLeft(e.Estimate, h.now().Sub(e.StartedAt), p.Bytes, p.Files, p.Final, p.Accounts); ok {
					s := left.Seconds()
					v.Progress.LeftSeconds = &s
				}
			}
		}
	}
	if e.Estimate != nil {
		ev := estimateView(*e.Estimate)
		v.Estimate = &ev
	}
	if e.State.Done() || e.State == export.Expired {
		t := e.Totals
		v.Totals = &t
	}
	if e.State.Done() { // an expired export's objects are gone (R12)
		base := h.ArchiveURL + "/" + e.Prefix
		v.Links = map[string]string{"archive": base, "report": base + "report.html", "report_json": base + "report.json", "manifest": base + "manifest.json"}
	}
	return v
}

func (h *Handler) now() time.Time {
	if h.Service.Now != nil {
		return h.Service.Now()
	}
	return time.Now()
}
