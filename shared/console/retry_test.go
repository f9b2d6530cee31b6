package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/orgexport/orgexport/shared/auth"
	"github.com/orgexport/orgexport/shared/export"
)

// RetryFailed decides as the control plane does (export.Export.CanRetry),
// and gives a request for a retry that exists that retry.
func (f *fakeControl) RetryFailed(ctx context.Context, p auth.Principal, id string, n int) (*export.Export, bool, error) {
	e, err := f.Get(ctx, p, id)
	if err != nil {
		return nil, false, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if n >= 1 && n <= len(e.Retries) {
		return f.exports[e.Retries[n-1].ID], false, nil
	}
	var latest *export.Export
	if n := len(e.Retries); n > 0 {
		latest = f.exports[e.Retries[n-1].ID]
	}
	if err := e.CanRetry(latest, e.CompletedAt.Add(export.RetryWindow/2)); err != nil {
		return nil, false, err
	}
	r := export.NewRetry(e, latest, p.Email, []string{p.Email}, e.CompletedAt)
	f.exports[r.ID] = r
	return r, true, nil
}

// The export's page offers 'Retry failed items', saying what it retries;
// the button starts the retry and leads to its page, which names its
// original; a second retry while it runs is a page that says why not.
func TestRetryFailedItemsButton(t *testing.T) {
	s := newSite(t)
	done := s.clock.now().Add(-export.RetryWindow / 4)
	s.ctl.exports["E1"] = &export.Export{ID: "E1", CustomerID: "C1", State: export.CompletedWithErrors, RequestedBy: s.admin(),
		RequestedAt: done.Add(-24 * time.Hour), StartedAt: done.Add(-24 * time.Hour), FinishedAt: done, CompletedAt: done, Expires: export.Expires(done),
		Prefix: "C1/E1/", Totals: export.Totals{Accounts: 4, AccountsFailed: 2, FailedItems: 7}}
	s.signIn("/console/", s.admin())
	p := s.get("/console/exports/E1")
	if !strings.Contains(p.body, `id="retry-failed"`) || strings.Contains(p.body, `id="retry-failed" disabled`) ||
		!strings.Contains(p.body, "7 items of 2 accounts") {
		t.Fatalf("the page of an export with errors offers no enabled retry: %s", p.body)
	}
	if !strings.Contains(p.body, `name="retry" value="1"`) {
		t.Fatalf("the button does not say which retry it asks for: %s", p.body)
	}
	form := url.Values{"csrf": {csrf(t, p)}, "retry": {"1"}}
	p = s.post("/console/exports/E1/retry", form)
	if p.code != http.StatusOK || p.url.Path != "/console/exports/E1-retry-1" || !strings.Contains(p.body, "Retry 1 of what failed") {
		t.Fatalf("retry: %d at %s: %s", p.code, p.url, p.body)
	}
	// The same form sent again (a double click, a reload that posts
	// again) leads to the same retry, and makes no other.
	p = s.post("/console/exports/E1/retry", form)
	if p.code != http.StatusOK || p.url.Path != "/console/exports/E1-retry-1" || s.ctl.exports["E1-retry-2"] != nil {
		t.Errorf("the form sent twice: %d at %s (a retry 2: %v)", p.code, p.url, s.ctl.exports["E1-retry-2"] != nil)
	}
	p = s.get("/console/exports/E1")
	if !strings.Contains(p.body, `id="retry-failed" disabled`) || !strings.Contains(p.body, "is still ON_HOLD") {
		t.Errorf("while the retry runs the button should be disabled with the reason: %s", p.body)
	}
	p = s.post("/console/exports/E1/retry", url.Values{"csrf": {csrf(t, p)}})
	if p.code != http.StatusConflict || !strings.Contains(p.body, "cannot be retried now") {
		t.Errorf("a second retry at once: %d %s", p.code, p.body)
	}
}
