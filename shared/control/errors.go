package control

import (
	"errors"
	"time"

	"github.com/orgexport/orgexport/shared/export"
)

// Errors the control plane answers with; the functions map them to HTTP.
var (
	// ErrNotFound: no such export in the caller's organisation. Another
	// organisation's export looks exactly like one that does not exist.
	ErrNotFound = errors.New("no such export in your organisation")
	// ErrUnknownUser: the caller is not a user of a Workspace organisation
	// this deployment serves.
	ErrUnknownUser = errors.New("your account is not a user of an organisation this service exports")
	// ErrNotSuperAdmin: only super administrators may do this.
	ErrNotSuperAdmin = errors.New("only a super administrator of the organisation can do this")
	// ErrNotSupport: only support staff may do this.
	ErrNotSupport = errors.New("only support staff can do this")
	// ErrInvalid: the request is not valid; the message says why.
	ErrInvalid = errors.New("invalid request")
)

// RefusedError lists every rule of R1 the requester does not meet.
type RefusedError struct{ Refusals []export.Refusal }

func (e *RefusedError) Error() string {
	msg := "You cannot start an export:"
	for _, r := range e.Refusals {
		msg += " " + r.Message
	}
	return msg
}

// SelectionError says an export cannot be limited to some users or data (R5).
type SelectionError struct{ Fields []string }

func (e *SelectionError) Error() string {
	return "An export always covers all data of all accounts; it cannot be limited to some users or products. " +
		"To let users download their own data, point them to Google Takeout (https://takeout.google.com)."
}

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

// StateError says the export's state does not allow the action.
type StateError struct {
	State  export.State
	Action string
}

func (e *StateError) Error() string {
	return "The export is " + string(e.State) + "; it can no longer be " + e.Action + "."
}
