package console

import (
	"net/http"
	"strconv"
	"time"

	"github.com/orgexport/orgexport/shared/export"
)

// retryOffer is the export page's section on retrying what failed (R16):
// for an original, what a retry would export again, its retries so far
// and, when it cannot be retried now, why; for a retry, its original.
type retryOffer struct {
	Show bool
	// Allowed: the button is enabled; Why says otherwise why not.
	Allowed bool
	Why     string
	// FailedItems and FailedAccounts are what the next retry exports again.
	FailedItems    int64
	FailedAccounts int
	Until          time.Time
	Left           int
	Retries        []export.RetryRef
	// Next is the number of the retry the button asks for, so a form sent
	// twice gives one retry.
	Next int
	// Of and N are, on a retry's page, its original and its number.
	Of string
	N  int
}

func (c *Console) retryOffer(r *http.Request, s session, e *export.Export) retryOffer {
	if e.IsRetry() {
		return retryOffer{Of: e.Parent, N: e.Retry}
	}
	if !e.State.Done() && e.State != export.Expired {
		return retryOffer{}
	}
	o := retryOffer{Show: e.State != export.Completed || len(e.Retries) > 0, FailedItems: e.Totals.FailedItems,
		FailedAccounts: e.Totals.AccountsFailed, Until: export.RetryDeadline(e.CompletedAt),
		Left: max(0, export.MaxRemediations-len(e.Retries)), Retries: e.Retries, Next: len(e.Retries) + 1}
	var latest *export.Export
	if n := len(e.Retries); n > 0 {
		l, err := c.o.Control.Get(r.Context(), s.principal(), e.Retries[n-1].ID)
		if err != nil {
			o.Why = "The state of the last retry cannot be read now; reload the page."
			return o
		}
		latest = l
		o.FailedItems, o.FailedAccounts = l.Totals.FailedItems, l.Totals.AccountsFailed
	}
	if err := e.CanRetry(latest, c.o.Now()); err != nil {
		o.Why = err.Error()
		return o
	}
	o.Allowed = true
	return o
}

// retry starts a retry of the export's failed items and shows the retry:
// the one the form asks for, which a form sent twice finds made already.
func (c *Console) retry(w http.ResponseWriter, r *http.Request, s session) {
	n, _ := strconv.Atoi(r.PostFormValue("retry")) // absent or garbled: the next
	e, _, err := c.o.Control.RetryFailed(r.Context(), s.principal(), r.PathValue("id"), max(n, 0))
	if err != nil {
		c.refuseAs(w, r, err, s.principal())
		return
	}
	http.Redirect(w, r, base(r)+"/exports/"+e.ID, http.StatusSeeOther)
}
