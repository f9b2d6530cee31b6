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

const maxListedErrors = 50

func (c *Console) live(w http.ResponseWriter, r *http.Request, s session) {
	e, accounts, err := c.o.Control.Accounts(r.Context(), s.principal(), r.PathValue("id"))
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
		byType := map[export.AccountType]*typeCount{}
		products := map[string]*productSums{}
		for a, err := range accounts {
			if err != nil {
				c.liveError(w, r, err)
				return
			}
			l.add(a, byType, products)
		}
		for _, t := range export.AccountTypes {
			if tc := byType[t]; tc != nil {
				l.ByType = append(l.ByType, *tc)
			}
		}
		for _, p := range products {
			l.Products = append(l.Products, *p)
		}
		slices.SortFunc(l.Products, func(a, b productSums) int { return strings.Compare(a.Product, b.Product) })
		slices.SortFunc(l.Errors, func(a, b liveError) int { return strings.Compare(a.Account, b.Account) })
		if len(l.Errors) > maxListedErrors {
			l.MoreErrors, l.Errors = len(l.Errors)-maxListedErrors, l.Errors[:maxListedErrors]
		}
		l.pace(e, now)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(l)
}

func final(s export.AccountState) bool {
	return s == export.AccountDone || s == export.AccountFailed || s == export.AccountCancelled
}

func (l *Live) add(a *export.Account, byType map[export.AccountType]*typeCount, products map[string]*productSums) {
	tc := byType[a.Type]
	if tc == nil {
		tc = &typeCount{Type: string(a.Type), Label: a.Type.Label()}
		byType[a.Type] = tc
	}
	tc.Total++
	l.Accounts.Total++
	if final(a.State) {
		tc.Done++
		l.Accounts.Done++
	}
	l.Files, l.Failed, l.Bytes = l.Files+a.Files, l.Failed+a.FailedItems, l.Bytes+a.Bytes
	for name, pc := range a.Products {
		ps := products[name]
		if ps == nil {
			ps = &productSums{Product: name}
			products[name] = ps
		}
		ps.Files, ps.Failed = ps.Files+pc.Files, ps.Failed+pc.Failed
	}
	if a.FailedItems > 0 || a.State == export.AccountFailed {
		name := a.Name
		if name == a.ID {
			name = ""
		}
		l.Errors = append(l.Errors, liveError{Account: a.ID, Name: name, Type: a.Type.Label(), Failed: a.FailedItems,
			State: string(a.State), Error: a.LastError})
	}
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
