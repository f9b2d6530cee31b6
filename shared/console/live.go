package console

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/orgexport/orgexport/shared/control"
	"github.com/orgexport/orgexport/shared/export"
)

// Live is an export's state and progress as the export page polls it.
type Live struct {
	State       export.State  `json:"state"`
	Label       string        `json:"label"`
	Now         time.Time     `json:"now"`
	HoldEnd     time.Time     `json:"hold_end"`
	ExpiresAt   time.Time     `json:"expires_at"`
	Steps       []liveStep    `json:"steps"`
	Cancellable bool          `json:"cancellable"`
	Final       bool          `json:"final"`
	Accounts    liveCount     `json:"accounts"`
	ByType      []typeCount   `json:"by_type"`
	Products    []productSums `json:"products"`
	Files       int64         `json:"files"`
	Failed      int64         `json:"failed"`
	Bytes       int64         `json:"bytes"`
	// Rate is bytes per second since the export started; Left the
	// estimated time to go, in seconds: the bytes and items done against
	// the estimate made at the start, or the accounts' pace without one.
	Rate   float64     `json:"rate"`
	Left   float64     `json:"left"`
	Errors []liveError `json:"errors"`
	// MoreErrors counts the accounts with errors not listed.
	MoreErrors int `json:"more_errors"`
}

type liveStep struct {
	Key     string    `json:"key"`
	At      time.Time `json:"at"`
	Reached bool      `json:"reached"`
	Current bool      `json:"current"`
}

type liveCount struct {
	Total int64 `json:"total"`
	Done  int64 `json:"done"`
}

type typeCount struct {
	Type  string `json:"type"`
	Label string `json:"label"`
	liveCount
}

type productSums struct {
	Product string `json:"product"`
	Files   int64  `json:"files"`
	Failed  int64  `json:"failed"`
}

type liveError struct {
	Account string `json:"account"`
	// Name is the account's display name (a shared drive's, space's or
	// resource's) when it differs from the id.
	Name   string `json:"name,omitempty"`
	Type   string `json:"type"`
	Failed int64  `json:"failed"`
	State  string `json:"state"`
	Error  string `json:"error,omitempty"`
}

func (c *Console) live(w http.ResponseWriter, r *http.Request, s session) {
	e, b, err := c.o.Control.Breakdown(r.Context(), s.principal(), r.PathValue("id"))
	if err != nil {
		c.liveError(w, r, err)
		return
	}
	now := c.o.Now().UTC()
	l := Live{State: e.State, Label: stateLabel(e.State), Now: now, HoldEnd: e.HoldEnd, ExpiresAt: e.Expires,
		Cancellable: e.State == export.OnHold || e.State == export.Running,
		Final:       e.State.Done() || e.State == export.Cancelled || e.State == export.Expired}
	for _, st := range timeline(e, now) {
		l.Steps = append(l.Steps, liveStep{Key: st.Key, At: st.At, Reached: st.Reached, Current: st.Current})
	}
	if e.State != export.OnHold {
		l.fill(b)
		l.pace(e, now)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(l)
}

// fill sets the counts from the export's breakdown.
func (l *Live) fill(b export.Breakdown) {
	for _, t := range export.AccountTypes {
		if tc, ok := b.ByType[t]; ok {
			l.ByType = append(l.ByType, typeCount{Type: string(t), Label: t.Label(), liveCount: liveCount{Total: tc.Total, Done: tc.Final}})
			l.Accounts.Total += tc.Total
			l.Accounts.Done += tc.Final
		}
	}
	for p, ps := range b.ByProduct {
		l.Products = append(l.Products, productSums{Product: string(p), Files: ps.Files, Failed: ps.Failed})
	}
	slices.SortFunc(l.Products, func(a, b productSums) int { return strings.Compare(a.Product, b.Product) })
	for _, a := range b.Errors {
		name := a.Name
		if name == a.ID {
			name = ""
		}
		l.Errors = append(l.Errors, liveError{Account: a.ID, Name: name, Type: a.Type.Label(), Failed: a.FailedItems,
			State: string(a.State), Error: a.LastError})
	}
	l.MoreErrors = max(0, int(b.WithErrors)-len(l.Errors))
	l.Files, l.Failed, l.Bytes = b.Files, b.Failed, b.Bytes
}

// pace estimates the rate and the time left from what is done so far.
func (l *Live) pace(e *export.Export, now time.Time) {
	if e.StartedAt.IsZero() {
		return
	}
	end := now
	if !e.FinishedAt.IsZero() {
		end = e.FinishedAt
	}
	elapsed := end.Sub(e.StartedAt).Seconds()
	if elapsed <= 0 {
		return
	}
	l.Rate = float64(l.Bytes) / elapsed
	if e.State != export.Running {
		return
	}
	// Bytes and items against the estimate; the accounts' pace without one.
	if left, ok := export.TimeLeft(e.Estimate, end.Sub(e.StartedAt), l.Bytes, l.Files, l.Accounts.Done, l.Accounts.Total); ok {
		l.Left = left.Seconds()
	}
}

// liveError answers the page's poll with the refusal's title, which the
// page shows in place of the progress.
func (c *Console) liveError(w http.ResponseWriter, r *http.Request, err error) {
	code, msg := http.StatusServiceUnavailable, "Progress cannot be read right now; the page tries again."
	switch {
	case errors.Is(err, control.ErrNotSuperAdmin), errors.Is(err, control.ErrUnknownUser):
		code, msg = http.StatusForbidden, "You are no longer a super administrator of the organisation."
	case errors.Is(err, export.ErrNotFound):
		code, msg = http.StatusNotFound, "There is no such export in your organisation."
	default:
		c.log.WarnContext(r.Context(), "console progress not read", "error", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]string{"message": msg})
}
