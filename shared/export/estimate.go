package export

import (
	"errors"
	"time"
)

// ErrNoEstimate: the organisation has no usage report yet, so nothing can
// be predicted; an export can still be started.
var ErrNoEstimate = errors.New("usage reports are not available yet for a new organisation (Google publishes them two to three days after the day they cover); estimate unavailable — the export can still be started")

// Estimate is what an export of the organisation will take, predicted
// from the Admin SDK Reports API's usage of its latest complete day
// (shared/estimate): how much, in how many parts, and how long under
// the configured quotas.
type Estimate struct {
	// Date is the day of the usage reports (they lag by days).
	Date string `firestore:"date" json:"date"`
	// Users counts the user accounts the report knew of.
	Users int64 `firestore:"users" json:"users"`
	// Bytes is what will be exported: Gmail and Drive storage used, the
	// users' and the shared drives'. StorageBytes is the organisation's
	// whole storage used, as reported.
	Bytes        int64 `firestore:"bytes" json:"bytes"`
	StorageBytes int64 `firestore:"storageBytes" json:"storage_bytes"`
	// Items are the Drive items reported and the mail messages those bytes
	// make at a planning mean size.
	Items int64 `firestore:"items" json:"items"`
	// Parts counts the zip parts (R8b) of the user and shared-drive
	// accounts; other accounts add one each.
	Parts int64 `firestore:"parts" json:"parts"`
	// Duration is the predicted time from the first account to the last;
	// Binding names what bounds it (a quota, or the transfer).
	Duration time.Duration `firestore:"duration" json:"-"`
	Binding  string        `firestore:"binding" json:"binding"`
}

// Fraction is how much of the estimate an export has done, from its bytes
// and items (each at most 1), or false without an estimate to weigh
// against.
func (e *Estimate) Fraction(bytes, items int64) (float64, bool) {
	if e == nil || (e.Bytes <= 0 && e.Items <= 0) {
		return 0, false
	}
	var sum, n float64
	if e.Bytes > 0 {
		sum, n = sum+min(1, float64(bytes)/float64(e.Bytes)), n+1
	}
	if e.Items > 0 {
		sum, n = sum+min(1, float64(items)/float64(e.Items)), n+1
	}
	return sum / n, true
}

// TimeLeft is the time a running export still needs: from its bytes and
// items against the estimate when there is one and it is not yet
// reached, else from the accounts finished. ok is false when nothing
// can be said yet.
func TimeLeft(est *Estimate, elapsed time.Duration, bytes, items, accountsDone, accountsTotal int64) (time.Duration, bool) {
	if elapsed <= 0 {
		return 0, false
	}
	if f, ok := est.Fraction(bytes, items); ok && f > 0 && f < 0.99 {
		return time.Duration(float64(elapsed) * (1 - f) / f), true
	}
	if accountsDone > 0 && accountsTotal > accountsDone {
		return time.Duration(float64(elapsed) * float64(accountsTotal-accountsDone) / float64(accountsDone)), true
	}
	return 0, false
}
