package startexport_test

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/control"
	"github.com/orgexport/orgexport/shared/export"
)

// withErrors moves an export to COMPLETED_WITH_ERRORS at t.
func (s *stack) withErrors(id string, t time.Time) {
	s.t.Helper()
	cid := s.org.Customer().ID
	for _, st := range []export.State{export.Running, export.Assembling, export.CompletedWithErrors} {
		if _, err := s.store.Update(context.Background(), cid, id, func(e *export.Export) ([]export.AuditEntry, error) {
			e.State = st
			if st.Done() {
				e.CompletedAt, e.Expires = t, export.Expires(t)
				e.Totals = export.Totals{Accounts: 3, AccountsFailed: 1, FailedItems: 2}
			}
			return nil, nil
		}); err != nil {
			s.t.Fatal(err)
		}
	}
}

func reasonOf(t *testing.T, r reply) string {
	t.Helper()
	for _, d := range r.err(t).Error.Details {
		if reason, ok := d["reason"].(string); ok {
			return reason
		}
	}
	return ""
}

// POST /exports/{id}:retryFailed (R16): super administrators only; no
// hold; every super administrator emailed; a begin task at once; one at a
// time; not after 20 days; refusals that say why.
func TestRetryFailedThroughTheAPI(t *testing.T) {
	s := newStack(t, synth.Tiny(22))
	v := s.start(s.user(0))
	done := s.clock.Now().Add(49 * time.Hour)
	s.withErrors(v.ID, done)
	var plain string
	for _, u := range s.org.Users() {
		if !u.Admin && !u.Suspended {
			plain = u.Email
			break
		}
	}
	if r := s.as(plain, http.MethodPost, "/exports/"+v.ID+":retryFailed", "{}"); r.Code != http.StatusForbidden {
		t.Errorf("a user who is no super administrator: %d %s", r.Code, r.Body)
	}
	if r := s.as(s.user(0), http.MethodGet, "/exports/"+v.ID+":retryFailed", ""); r.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d", r.Code)
	}
	if r := s.as(s.user(0), http.MethodPost, "/exports/"+v.ID+":retryFailed", `{"users":["a@b"]}`); r.Code != http.StatusBadRequest {
		t.Errorf("a body that tries to choose: %d %s", r.Code, r.Body)
	}
	before := len(s.messages())
	s.clock.Set(done.Add(export.RetryWindow - time.Hour))
	r := s.as(s.user(1), http.MethodPost, "/exports/"+v.ID+":retryFailed", "{}")
	if r.Code != http.StatusAccepted || r.Location != "exports/"+v.ID+"-retry-1" {
		t.Fatalf("retry within 20 days: %d %s %s", r.Code, r.Location, r.Body)
	}
	var rv view
	r.decode(t, &rv)
	if rv.RetryOf != v.ID || rv.Retry != 1 || rv.State != export.OnHold || !rv.HoldEnd.Equal(s.clock.Now()) ||
		!rv.ExpiresAt.Equal(export.Expires(done)) {
		t.Errorf("retry %+v: want retry 1 of %s, no hold, expiring with the original", rv, v.ID)
	}
	msgs := s.messages()[before:]
	if len(msgs) != 1 || len(msgs[0].To) != len(s.superAdmins()) || !strings.Contains(msgs[0].Subject, "Retry 1 of the data export") {
		t.Errorf("emails after the retry: %d, want one to every super administrator", len(msgs))
	}
	var begun bool
	for _, task := range s.tasks.all() {
		if b, ok := task.Body.(export.BeginTask); ok && b.ExportID == rv.ID && !task.At.After(s.clock.Now()) {
			begun = true
		}
	}
	if !begun {
		t.Error("no begin task for the retry, due at once")
	}
	if r := s.as(s.user(0), http.MethodPost, "/exports/"+v.ID+":retryFailed", "{}"); r.Code != http.StatusConflict || reasonOf(t, r) != export.RetryRunning {
		t.Errorf("a second retry while the first is on hold: %d %s", r.Code, r.Body)
	}
	if got := s.get(s.user(0), v.ID); len(got.Retries) != 1 || got.Retries[0].ID != rv.ID {
		t.Errorf("the original lists %+v", got.Retries)
	}
	// Once the first is cancelled another could start, but not after 20 days.
	if r := s.as(s.user(0), http.MethodPost, "/exports/"+rv.ID+":cancel", "{}"); r.Code != http.StatusOK {
		t.Fatalf("cancel the retry: %d %s", r.Code, r.Body)
	}
	s.clock.Set(done.Add(export.RetryWindow))
	if r := s.as(s.user(0), http.MethodPost, "/exports/"+v.ID+":retryFailed", "{}"); r.Code != http.StatusConflict || reasonOf(t, r) != export.RetryTooLate {
		t.Errorf("a retry 20 days after completion: %d %s", r.Code, r.Body)
	}
	if r := s.as(s.user(0), http.MethodPost, "/exports/"+rv.ID+":retryFailed", "{}"); r.Code != http.StatusConflict || reasonOf(t, r) != export.RetryNotOriginal {
		t.Errorf("a retry of a retry: %d %s", r.Code, r.Body)
	}
}

// late is a store whose StartRetry first runs before, once: what other
// requests do while one request's transaction waits.
type late struct {
	control.Store
	ran    atomic.Bool
	before func()
}

func (l *late) StartRetry(ctx context.Context, cid, eid string, decide func(orig, latest *export.Export) (*export.Export, []export.AuditEntry, error)) (*export.Export, error) {
	if !l.ran.Swap(true) { // not sync.Once: before's own request comes here
		l.before()
	}
	return l.Store.StartRetry(ctx, cid, eid, decide)
}

// Two requests at once give one retry (R16), even when the second is
// decided only after the first retry has finished (the Firestore
// emulator holds a waiting transaction for seconds): a request asks for
// the retry after those recorded when it arrived, and the one that finds
// it made gets it, 200, not another. A request that names the retry it
// asks for ({"retry": n}, as the console's button does) gets it too, the
// same request sent again; a number that is neither gets a reason.
func TestConcurrentRetryRequestsGiveOneRetry(t *testing.T) {
	s := newStack(t, synth.Tiny(23))
	v := s.start(s.user(0))
	done := s.clock.Now().Add(49 * time.Hour)
	s.withErrors(v.ID, done)
	s.clock.Set(done.Add(time.Hour))
	first := ""
	s.svc.Store = &late{Store: s.svc.Store, before: func() {
		r := s.as(s.user(1), http.MethodPost, "/exports/"+v.ID+":retryFailed", "{}")
		if r.Code != http.StatusAccepted {
			t.Fatalf("the other request: %d %s", r.Code, r.Body)
		}
		first = r.Location
		s.withErrors(v.ID+"-retry-1", done.Add(30*time.Minute)) // it finished, failing still
	}}
	r := s.as(s.user(0), http.MethodPost, "/exports/"+v.ID+":retryFailed", "{}")
	if r.Code != http.StatusOK || r.Location != first || first != "exports/"+v.ID+"-retry-1" {
		t.Fatalf("the request decided after the other's retry finished: %d %s (the other made %s): %s", r.Code, r.Location, first, r.Body)
	}
	if got := s.get(s.user(0), v.ID); len(got.Retries) != 1 {
		t.Errorf("two requests at once made %d retries: %+v", len(got.Retries), got.Retries)
	}
	if r := s.as(s.user(0), http.MethodPost, "/exports/"+v.ID+":retryFailed", `{"retry":1}`); r.Code != http.StatusOK || r.Location != first {
		t.Errorf("retry 1 asked for again: %d %s", r.Code, r.Location)
	}
	if r := s.as(s.user(0), http.MethodPost, "/exports/"+v.ID+":retryFailed", `{"retry":3}`); r.Code != http.StatusConflict || reasonOf(t, r) != export.RetryNoSuch {
		t.Errorf("retry 3 asked for when there is one: %d %s", r.Code, r.Body)
	}
	if r := s.as(s.user(0), http.MethodPost, "/exports/"+v.ID+":retryFailed", `{"retry":4}`); r.Code != http.StatusBadRequest {
		t.Errorf("retry 4: %d %s", r.Code, r.Body)
	}
	// A request after the first finished asks for the next: retry 2.
	if r := s.as(s.user(0), http.MethodPost, "/exports/"+v.ID+":retryFailed", "{}"); r.Code != http.StatusAccepted || r.Location != "exports/"+v.ID+"-retry-2" {
		t.Errorf("a later request: %d %s %s", r.Code, r.Location, r.Body)
	}
}
