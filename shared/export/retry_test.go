package export

import (
	"errors"
	"testing"
	"time"
)

func finished(state State) *Export {
	done := now.Add(-5 * day)
	return &Export{ID: "20261101-abc", CustomerID: "C1", Domain: "example.com", State: state,
		RequestedBy: "admin@example.com", CompletedAt: done, Expires: Expires(done), PurgeAt: PurgeAt(done),
		CutOff: done.Add(-3 * day), Prefix: "C1/20261101-abc/"}
}

func reason(err error) string {
	var r *RetryRefusal
	if errors.As(err, &r) {
		return r.Reason
	}
	if err != nil {
		return "other: " + err.Error()
	}
	return ""
}

func TestCanRetry(t *testing.T) {
	retryOf := func(e *Export, state State) *Export {
		r := NewRetry(e, nil, "admin@example.com", []string{"admin@example.com"}, now.Add(-day))
		r.State = state
		return r
	}
	cases := []struct {
		name   string
		edit   func(e *Export) *Export // returns the latest retry
		at     time.Time
		reason string
	}{
		{"completed with errors", func(*Export) *Export { return nil }, now, ""},
		{"still running", func(e *Export) *Export { e.State = Running; return nil }, now, RetryNotFinished},
		{"on hold", func(e *Export) *Export { e.State = OnHold; return nil }, now, RetryNotFinished},
		{"cancelled", func(e *Export) *Export { e.State = Cancelled; return nil }, now, RetryNotFinished},
		{"expired", func(e *Export) *Export { e.State = Expired; return nil }, now, RetryNotFinished},
		{"no failures", func(e *Export) *Export { e.State = Completed; return nil }, now, RetryNoFailures},
		{"a second before 20 days", func(*Export) *Export { return nil }, now.Add(-5*day + RetryWindow - time.Second), ""},
		{"exactly 20 days", func(*Export) *Export { return nil }, now.Add(-5*day + RetryWindow), RetryTooLate},
		{"a retry is running", func(e *Export) *Export { return retryOf(e, Running) }, now, RetryRunning},
		{"a retry is on hold", func(e *Export) *Export { return retryOf(e, OnHold) }, now, RetryRunning},
		{"a retry is assembling", func(e *Export) *Export { return retryOf(e, Assembling) }, now, RetryRunning},
		{"the last retry was cancelled", func(e *Export) *Export { return retryOf(e, Cancelled) }, now, ""},
		{"the last retry failed items again", func(e *Export) *Export { return retryOf(e, CompletedWithErrors) }, now, ""},
		{"the last retry recovered everything", func(e *Export) *Export { return retryOf(e, Completed) }, now, RetryNoFailures},
		{"three retries done", func(e *Export) *Export {
			var r *Export
			for range MaxRemediations {
				r = retryOf(e, CompletedWithErrors)
			}
			return r
		}, now, RetryLimit},
		{"a retry itself", func(e *Export) *Export { e.Kind, e.Parent, e.Retry = KindRetry, "x", 1; return nil }, now, RetryNotOriginal},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := finished(CompletedWithErrors)
			latest := c.edit(e)
			err := e.CanRetry(latest, c.at)
			if got := reason(err); got != c.reason {
				t.Fatalf("CanRetry = %q (%v), want %q", got, err, c.reason)
			}
			if err != nil && err.Error() == "" {
				t.Error("a refusal without a message")
			}
		})
	}
}

func TestNewRetry(t *testing.T) {
	e := finished(CompletedWithErrors)
	admins := []string{"a@example.com", "b@example.com"}
	r := NewRetry(e, nil, "b@example.com", admins, now)
	switch {
	case r.ID != e.ID+"-retry-1" || r.Retry != 1 || r.Parent != e.ID || r.Source != e.ID || !r.IsRetry():
		t.Errorf("retry record %+v", r)
	case r.Prefix != "C1/20261101-abc/retry-1/":
		t.Errorf("prefix %q, want beside the original", r.Prefix)
	case !r.Expires.Equal(e.Expires) || !r.RetentionFrom().Equal(e.CompletedAt):
		t.Errorf("a retry expires %v (retention from %v), want with the original %v", r.Expires, r.RetentionFrom(), e.Expires)
	case !r.HoldEnd.Equal(now) || r.State != OnHold:
		t.Errorf("a retry has no hold: hold end %v, state %s", r.HoldEnd, r.State)
	case !r.CutOff.Equal(e.CutOff):
		t.Errorf("cut-off %v, want the original's %v", r.CutOff, e.CutOff)
	case len(r.Unsent()) != 1 || r.Unsent()[0].Kind != MailRetryRequested || len(r.Unsent()[0].To) != 2:
		t.Errorf("outbox %+v, want the super administrators told", r.Outbox)
	case len(e.Retries) != 1 || e.Retries[0].ID != r.ID:
		t.Errorf("the original lists %+v", e.Retries)
	}
	r.State, r.Totals = CompletedWithErrors, Totals{Files: 3, FailedItems: 1, Deleted: 1}
	if !e.Recorded(r) || e.Recorded(r) {
		t.Error("Recorded should change the reference once")
	}
	r2 := NewRetry(e, r, "a@example.com", admins, now)
	if r2.ID != e.ID+"-retry-2" || r2.Source != r.ID || r2.Prefix != e.Prefix+"retry-2/" {
		t.Errorf("second retry %s from %s in %s", r2.ID, r2.Source, r2.Prefix)
	}
}

func TestRetryDoesNotCountAgainstR2(t *testing.T) {
	e := finished(Assembling)
	r := NewRetry(finished(CompletedWithErrors), nil, "a@example.com", nil, now)
	r.State = Assembling
	o := Organisation{ID: "C1", ActiveExport: e.ID, CooldownEnd: now.Add(10 * day)}
	r.State, r.CompletedAt = CompletedWithErrors, now
	if o.Release(r, Assembling) || !o.CooldownEnd.Equal(now.Add(10*day)) || o.ActiveExport != e.ID {
		t.Errorf("a retry's completion changed the organisation: %+v", o)
	}
}

func TestRetriedPlan(t *testing.T) {
	if Retried(&Account{State: AccountDone}, "p/") != nil {
		t.Error("an account without failures is retried")
	}
	p := Retried(&Account{State: AccountDone, FailureObjects: []string{"users/a/a-001.failures.ndjson"}}, "C1/E/")
	if p == nil || p.Whole || p.FailureObjects[0] != "C1/E/users/a/a-001.failures.ndjson" {
		t.Errorf("plan %+v", p)
	}
	if p := Retried(&Account{State: AccountFailed}, "C1/E/"); p == nil || !p.Whole {
		t.Errorf("a failed account's plan %+v, want whole", p)
	}
}
