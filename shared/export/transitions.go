package export

import (
	"errors"
	"fmt"
	"time"
)

// Sentinel errors of the domain. Adapters translate their vendors' errors
// into these, so the planes and the handlers never import an adapter to
// recognise them.
var (
	// ErrNotFound: no such record (for this organisation). Another
	// organisation's export looks exactly like one that does not exist.
	ErrNotFound = errors.New("not found")
	// ErrTransition: the record's state does not allow the change.
	ErrTransition = errors.New("state does not allow this change")
	// ErrTooEarly: a task came before its time (the hold has not ended);
	// it is answered so that it is delivered again later.
	ErrTooEarly = errors.New("the hold has not ended yet")
)

// ActiveError says the organisation already has an export on hold, running
// or being assembled (R2a).
type ActiveError struct{ ExportID string }

func (e *ActiveError) Error() string {
	return "Your organisation already has an export in progress (" + e.ExportID + "). Wait for it to finish, or cancel it during its hold."
}

// CooldownError says the last export completed less than 30 days ago (R2b).
type CooldownError struct{ Until time.Time }

func (e *CooldownError) Error() string {
	return "A new export can start 30 days after the last one completed, from " + e.Until.UTC().Format(time.RFC3339) +
		". Support can reset this limit if you need to retrieve files that failed."
}

// forward lists the states each state may move to; nothing moves back.
var forward = map[State][]State{
	OnHold:              {Running, Cancelled},
	Running:             {Assembling, Cancelled},
	Assembling:          {Completed, CompletedWithErrors},
	Completed:           {Expired},
	CompletedWithErrors: {Expired},
}

// CanMove reports whether an export in state s may move to state to.
// Staying in the same state is always allowed.
func (s State) CanMove(to State) bool {
	if s == to {
		return true
	}
	for _, n := range forward[s] {
		if n == to {
			return true
		}
	}
	return false
}

// CheckMove returns ErrTransition, naming both states, unless s may move to to.
func (s State) CheckMove(to State) error {
	if !s.CanMove(to) {
		return fmt.Errorf("%w: %s to %s", ErrTransition, s, to)
	}
	return nil
}

// Releases reports whether moving from s to to gives up the organisation's
// one-export lock (R2a).
func (s State) Releases(to State) bool { return s.Active() && !to.Active() }

// Admit decides whether the organisation may start a new export at now
// (R2a, R2b): no other export is active and the cool-down is over.
func (o Organisation) Admit(now time.Time) error {
	if o.ActiveExport != "" {
		return &ActiveError{ExportID: o.ActiveExport}
	}
	if now.Before(o.CooldownEnd) {
		return &CooldownError{Until: o.CooldownEnd}
	}
	return nil
}

// Release updates the organisation when its export e has moved from state
// from: when e stops being active it no longer holds the one-export lock
// (R2a), and when it completed, the 30-day cool-down starts from its
// completion (R2b). It reports whether the organisation changed.
func (o *Organisation) Release(e *Export, from State) bool {
	if !e.Releases(from) {
		return false
	}
	if o.ActiveExport == e.ID {
		o.ActiveExport = ""
	}
	if e.State.Done() {
		o.CooldownEnd = CooldownEnd(e.CompletedAt)
	}
	return true
}

// Sums total an export's accounts, for progress.
type Sums struct {
	Accounts, Final           int64
	Files, FailedItems, Bytes int64
}
