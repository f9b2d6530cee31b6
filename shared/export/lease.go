package export

import (
	"errors"
	"fmt"
	"time"
)

// A worker writes a part of an account under a lease: the claim, the
// renewals and the record of the part are each a transaction that checks
// the lease's fencing token (the account's Attempts), so of any number of
// deliveries of a task — concurrent, late, or re-enqueued by Housekeeping —
// exactly one writes each part.
const (
	// LeaseTTL is how long a claim lasts without renewal: a worker whose
	// process died frees its part this long after its last renewal.
	LeaseTTL = 5 * time.Minute
	// RenewEvery is how often a live worker renews its lease; each
	// renewal is also the heartbeat Housekeeping reads.
	RenewEvery = time.Minute
)

var (
	// ErrBusy: another worker holds the part's lease; the delivery is
	// answered so that it comes again later, when the part is written
	// (then it changes nothing) or the lease has lapsed.
	ErrBusy = errors.New("another delivery of this task is at work on it; retry later")
	// ErrLeaseLost: the worker's lease was taken over (by a re-enqueued or
	// duplicate task, or by a cancel); it must write nothing more.
	ErrLeaseLost = errors.New("this worker no longer holds the part's lease")
)

// AssemblyLease is how long one delivery holds an export's assembly: the
// report, the manifest and the archive's stamps are written by one
// delivery at a time, so a second one (a duplicate event, Housekeeping's
// nudge) can never rewrite an object after the first stamped it.
const AssemblyLease = 10 * time.Minute

// ClaimAssembly takes the export's assembly at now for one delivery, or
// says another holds it (ErrBusy: deliver again later). It must run in a
// transaction on the export.
func (e *Export) ClaimAssembly(now time.Time) error {
	if e.State != Assembling {
		return ErrTransition
	}
	if now.Before(e.AssemblingUntil) {
		return ErrBusy
	}
	e.AssemblingUntil = now.Add(AssemblyLease)
	return nil
}

// Claim is what a task for a part of an account is to do.
type Claim int

// What a claim decides.
const (
	// ClaimWork: the task writes the part; the account holds its lease.
	ClaimWork Claim = iota
	// ClaimNothing: the export is not running (on hold, assembling or
	// done): nothing to do.
	ClaimNothing
	// ClaimCancelled: the export was cancelled; the account's work is
	// discarded and the account cancelled.
	ClaimCancelled
	// ClaimFinished: the account is final already (a duplicate, or an
	// account failed at the 14-day limit); what its connectors made is
	// discarded and its end announced again, harmlessly.
	ClaimFinished
	// ClaimWritten: the task's part is written already; only its
	// continuation needs to exist.
	ClaimWritten
)

// Claim decides, at now, what a task for part of account a of export e does,
// and, for ClaimWork, takes the lease: the account is RUNNING, Attempts
// (the fencing token) goes up, and the lease lasts LeaseTTL. It must run in
// the same transaction as the reads of e and a and the write of a.
func (a *Account) Claim(e *Export, part int, now time.Time) (Claim, error) {
	switch {
	case e.State == Cancelled:
		return ClaimCancelled, nil
	case e.State != Running:
		return ClaimNothing, nil
	case a.State.Final():
		return ClaimFinished, nil
	case part < a.Resume.NextPart:
		return ClaimWritten, nil
	case part > a.Resume.NextPart:
		return 0, fmt.Errorf("account %s: task for part %d, but part %d is next", a.Key, part, a.Resume.NextPart)
	case a.LeaseHeld(now):
		return 0, ErrBusy
	}
	a.State = AccountRunning
	a.Attempts++
	a.Heartbeat, a.LeaseUntil = now, now.Add(LeaseTTL)
	return ClaimWork, nil
}

// LeaseHeld reports whether a worker holds the account's lease at now.
func (a *Account) LeaseHeld(now time.Time) bool {
	return a.State == AccountRunning && now.Before(a.LeaseUntil)
}

// Holds reports whether token is the account's current lease: the worker
// that claimed with it may still write the part.
func (a *Account) Holds(token int) error {
	if a.State != AccountRunning || a.Attempts != token {
		return ErrLeaseLost
	}
	return nil
}

// Renew extends the lease of token at now; it is the heartbeat too.
func (a *Account) Renew(token int, now time.Time) error {
	if err := a.Holds(token); err != nil {
		return err
	}
	a.Heartbeat, a.LeaseUntil = now, now.Add(LeaseTTL)
	return nil
}

// Release gives up the lease of token after a failed attempt, so the
// task's next delivery may claim the part at once.
func (a *Account) Release(token int) error {
	if err := a.Holds(token); err != nil {
		return err
	}
	a.LeaseUntil = time.Time{}
	return nil
}
