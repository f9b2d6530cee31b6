package export

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// R16: a remediation export ("retry") of what an export failed to export.
const (
	// KindRetry is the Kind of a retry's record.
	KindRetry = "retry"
	// RetryWindow is how long after an export's completion it may be
	// retried.
	RetryWindow = 20 * 24 * time.Hour
	// MailRetryRequested tells every super administrator that a retry was
	// requested (R16).
	MailRetryRequested = "retry-requested"
)

// RetryRef is one retry as its original export lists it: its number, its
// record, and, once it completed, what it recovered.
type RetryRef struct {
	N           int       `firestore:"n" json:"n"`
	ID          string    `firestore:"id" json:"id"`
	RequestedBy string    `firestore:"requestedBy" json:"requested_by"`
	RequestedAt time.Time `firestore:"requestedAt" json:"requested_at"`
	State       State     `firestore:"state" json:"state"`
	CompletedAt time.Time `firestore:"completedAt,omitempty" json:"completed_at,omitzero"`
	// Recovered, Failed and Deleted count the retry's items: exported
	// now, failing still, and deleted since the export.
	Recovered int64 `firestore:"recovered" json:"recovered"`
	Failed    int64 `firestore:"failed" json:"failed"`
	Deleted   int64 `firestore:"deleted" json:"deleted"`
}

// RetryPlan is what a retry exports again of one account: the failure
// lists of the source export, whose items are fetched again by id, and the
// products (or, with Whole, the whole account) that failed as a whole and
// are run again whole.
type RetryPlan struct {
	// FailureObjects are the source's NDJSON failure lists of the account,
	// as full object names in the bucket.
	FailureObjects []string `firestore:"failureObjects,omitempty"`
	// Whole: the account failed as a whole; every product is run again.
	Whole bool `firestore:"whole,omitempty"`
}

// RetryItems is the ItemID of a failure that stands for the rest of a
// product that failed as a whole: the product is run again whole.
const RetryItems = "(remaining items)"

// IsRetry reports whether e is a retry of another export (R16).
func (e *Export) IsRetry() bool { return e.Kind == KindRetry }

// Releases reports whether e's move from state from gives up the
// organisation's one-export lock and starts the cool-down (R2): a retry
// never held the lock and does not count against R2.
func (e *Export) Releases(from State) bool { return !e.IsRetry() && from.Releases(e.State) }

// RetryRefusal says why an export cannot be retried now; Reason is one of
// the Retry… constants, Message says it in words an admin can act on.
type RetryRefusal struct {
	Reason  string
	Message string
}

func (r *RetryRefusal) Error() string { return r.Message }

// Why a retry is refused.
const (
	RetryNotOriginal = "NOT_AN_ORIGINAL"
	RetryNotFinished = "NOT_FINISHED"
	RetryNoFailures  = "NO_FAILURES"
	RetryTooLate     = "TOO_LATE"
	RetryRunning     = "RETRY_RUNNING"
	RetryLimit       = "LIMIT_REACHED"
	// RetryNoSuch: the request asked for a retry by a number that is
	// neither recorded nor the next (a page far out of date).
	RetryNoSuch = "NO_SUCH_RETRY"
)

// ErrRetryExists says that the retry a request asked for is recorded
// already: the request is a duplicate of the one that made it, and gets
// that retry.
var ErrRetryExists = errors.New("the retry asked for is recorded already")

// CanRetry decides whether export e may be retried at now (R16): an
// original export COMPLETED_WITH_ERRORS within RetryWindow of its
// completion, with fewer than MaxRemediations retries, none of them still
// at work (latest is the record of its latest retry, nil when none), and
// something left to retry.
func (e *Export) CanRetry(latest *Export, now time.Time) error {
	refuse := func(reason, format string, args ...any) error {
		return &RetryRefusal{Reason: reason, Message: fmt.Sprintf(format, args...)}
	}
	switch {
	case e.IsRetry():
		return refuse(RetryNotOriginal, "This is retry %d of export %s; retry the original export instead.", e.Retry, e.Parent)
	case e.State.Active():
		return refuse(RetryNotFinished, "The export is still %s; its failed items can be retried once it has completed.", e.State)
	case e.State == Completed:
		return refuse(RetryNoFailures, "The export completed without failures; there is nothing to retry.")
	case e.State != CompletedWithErrors:
		return refuse(RetryNotFinished, "The export is %s; only an export that completed with errors can be retried.", e.State)
	case !now.Before(RetryDeadline(e.CompletedAt)):
		return refuse(RetryTooLate, "Failed items can be retried for 20 days after the export completed, until %s; start a new export instead.",
			RetryDeadline(e.CompletedAt).UTC().Format(time.RFC3339))
	case latest != nil && !latest.State.Done() && latest.State != Cancelled && latest.State != Expired:
		return refuse(RetryRunning, "Retry %d of this export (%s) is still %s; wait for it to finish.", latest.Retry, latest.ID, latest.State)
	case len(e.Retries) >= MaxRemediations:
		return refuse(RetryLimit, "This export has been retried %d times, the most allowed; start a new export, or ask support to reset the 30-day limit.", len(e.Retries))
	case latest != nil && latest.State == Completed:
		return refuse(RetryNoFailures, "Retry %d recovered every failed item; there is nothing left to retry.", latest.Retry)
	}
	return nil
}

// RetryDeadline is until when an export completed at completed may be
// retried (R16).
func RetryDeadline(completed time.Time) time.Time { return completed.Add(RetryWindow) }

// NewRetry is the record of the next retry of e, requested by by at now,
// announced to admins (every super administrator). It retries the failures
// of latest, the latest retry that completed, or of e itself. The retry
// has no hold (R16), keeps e's cut-off, and expires with e (R12); its id
// names e and its number, so two requests that both pass CanRetry would
// make the same record and only one create succeeds.
func NewRetry(e, latest *Export, by string, admins []string, now time.Time) *Export {
	n := len(e.Retries) + 1
	src := e.ID
	if latest != nil && latest.State == CompletedWithErrors {
		src = latest.ID
	}
	r := &Export{
		ID: fmt.Sprintf("%s-retry-%d", e.ID, n), CustomerID: e.CustomerID, Domain: e.Domain, State: OnHold,
		RequestedBy: by, SuperAdmins: slices.Clone(admins), RequestedAt: now, HoldEnd: now, CutOff: e.CutOff,
		Expires: e.Expires, PurgeAt: e.PurgeAt,
		Kind: KindRetry, Parent: e.ID, Source: src, Retry: n, Prefix: e.Prefix + RetryFolder(n),
	}
	r.Queue(MailRetryRequested, admins, now)
	e.Retries = append(e.Retries, RetryRef{N: n, ID: r.ID, RequestedBy: by, RequestedAt: now, State: OnHold})
	return r
}

// RetryFolder is the folder of retry n beside its original: "retry-1/".
func RetryFolder(n int) string { return fmt.Sprintf("retry-%d/", n) }

// RetentionFrom is when the retention of e's objects counts from (R12):
// its completion, or, for a retry, its original's.
func (e *Export) RetentionFrom() time.Time {
	if e.IsRetry() && !e.Expires.IsZero() {
		return e.Expires.Add(-Retention)
	}
	return e.CompletedAt
}

// Recorded updates e's reference to its retry r from r's record, and
// reports whether it changed.
func (e *Export) Recorded(r *Export) bool {
	for i := range e.Retries {
		ref := &e.Retries[i]
		if ref.ID != r.ID {
			continue
		}
		next := *ref
		next.State, next.CompletedAt = r.State, r.CompletedAt
		next.Recovered, next.Failed, next.Deleted = r.Totals.Files, r.Totals.FailedItems, r.Totals.Deleted
		if next == *ref {
			return false
		}
		*ref = next
		return true
	}
	return false
}

// RecordedEnd reports whether e lists its retry r as ended (done,
// cancelled or expired) while r, as read, is not: r was read before it
// ended, and recording it would take e's list back.
func (e *Export) RecordedEnd(r *Export) bool {
	ended := func(s State) bool { return s.Done() || s == Cancelled || s == Expired }
	for _, ref := range e.Retries {
		if ref.ID == r.ID {
			return ended(ref.State) && !ended(r.State)
		}
	}
	return false
}

// Retried lists what a retry's account plan says of a source account a:
// nil when a has nothing to retry (no failed item, not failed as a
// whole). Products that were only listed as not available (R7b) are not
// retried: they left no failure, only a note.
func Retried(a *Account, sourcePrefix string) *RetryPlan {
	whole := a.State == AccountFailed || a.State == AccountCancelled
	if !whole && len(a.FailureObjects) == 0 {
		return nil
	}
	plan := &RetryPlan{Whole: whole}
	for _, o := range a.FailureObjects {
		plan.FailureObjects = append(plan.FailureObjects, sourcePrefix+o)
	}
	return plan
}

// How a retry exports a product of an account again (ProductCount.Retried).
const (
	// RetriedItems: the failed items, fetched again by id.
	RetriedItems = "items"
	// RetriedWhole: the product failed as a whole (or the account did),
	// and was run again whole.
	RetriedWhole = "whole"
	// RetriedWholeNoItems: items of the product failed, but its connector
	// cannot fetch single items, so the product was run again whole.
	RetriedWholeNoItems = "whole-no-items"
)
