package control

import (
	"errors"

	"github.com/orgexport/orgexport/shared/export"
)

// Errors the control plane answers with; the functions map them to HTTP.
var (
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

// StateError says the export's state does not allow the action.
type StateError struct {
	State  export.State
	Action string
}

func (e *StateError) Error() string {
	return "The export is " + string(e.State) + "; it can no longer be " + e.Action + "."
}

// SetupError says orgexport is not set up in the organisation to do this
// (domain-wide delegation lacks a scope the Directory needs); Reason says
// what is missing and how an administrator adds it. It is no answer about
// the person: R3c never cancels on it.
type SetupError struct{ Reason string }

func (e *SetupError) Error() string { return e.Reason }
