package pubsubpush_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/duplicate"
	"github.com/orgexport/orgexport/emulators/pubsubpush"
	"github.com/orgexport/orgexport/emulators/testenv"
)

func withDuplicate(m duplicate.Mode) func(*testenv.Env, *pubsubpush.Route, *pubsubpush.Options) {
	return func(_ *testenv.Env, _ *pubsubpush.Route, o *pubsubpush.Options) { o.Duplicate = m }
}

// samePush fails unless two pushes are the same request: body and token.
func samePush(t *testing.T, a, b delivery) {
	t.Helper()
	if a.raw != b.raw || a.auth != b.auth || a.auth == "" || a.path != b.path || a.ua != b.ua {
		t.Errorf("the duplicate differs:\n%+v\n%+v", a, b)
	}
}

// nothingMore fails if another push arrives within d.
func (e *endpoint) nothingMore(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case <-e.arrived:
		e.mu.Lock()
		defer e.mu.Unlock()
		t.Errorf("pushed again: %d pushes", len(e.got))
	case <-time.After(d):
	}
}

// Concurrent: every push is also sent a second time while the first is in
// flight, the same request; once acknowledged, the message is not pushed
// again.
func TestDuplicateConcurrent(t *testing.T) {
	ep := newEndpoint(http.StatusNoContent)
	ep.pairWait = 10 * time.Second
	r := newRig(t, ep, withDuplicate(duplicate.Concurrent))
	id := r.publish(t, "twice at once", nil)
	got := r.ep.wait(t, 2)
	samePush(t, got[0], got[1])
	if got[0].body["message"].(map[string]any)["messageId"] != id {
		t.Errorf("pushed %v", got[0].body)
	}
	if got[0].answered.Sub(got[0].at) >= ep.pairWait {
		t.Error("the two pushes were not in flight together")
	}
	r.ep.nothingMore(t, time.Second)
}

// After: the duplicate goes out once the original answered, and only the
// original's answer counts: a refused original is retried although its
// duplicate was acknowledged, and an acknowledged original ends the
// message's delivery although its duplicate was refused.
func TestDuplicateAfterLeavesOutcomeToOriginal(t *testing.T) {
	ep := newEndpoint(http.StatusInternalServerError, http.StatusOK, http.StatusOK, http.StatusServiceUnavailable)
	r := newRig(t, ep, withDuplicate(duplicate.After))
	r.publish(t, "twice in turn", nil)
	got := r.ep.wait(t, 4)
	for _, p := range [][2]delivery{{got[0], got[1]}, {got[2], got[3]}} {
		samePush(t, p[0], p[1])
		if !p[1].at.After(p[0].answered) {
			t.Errorf("the duplicate arrived at %v, before the original answered at %v", p[1].at, p[0].answered)
		}
	}
	if got[2].at.Sub(got[1].answered) < 100*time.Millisecond {
		t.Errorf("retried %v after the duplicate's 200: want the backoff after the original's 500", got[2].at.Sub(got[1].answered))
	}
	r.ep.nothingMore(t, time.Second)
}

// SetDuplicate turns duplicates on for the pushes that start afterwards.
func TestSetDuplicate(t *testing.T) {
	r := newRig(t, newEndpoint(http.StatusOK), nil)
	r.publish(t, "once", nil)
	r.ep.wait(t, 1)
	r.ep.nothingMore(t, 500*time.Millisecond)
	r.fwd.SetDuplicate(duplicate.After)
	r.publish(t, "twice", nil)
	got := r.ep.wait(t, 2)
	samePush(t, got[1], got[2])
	r.ep.nothingMore(t, 500*time.Millisecond)
	if n := r.fwd.InFlight(); n != 0 {
		t.Errorf("%d messages in flight after both were acknowledged", n)
	}
}
