package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/store"
)

// completedWithErrors records an export and moves it to
// COMPLETED_WITH_ERRORS, as the pipeline would.
func completedWithErrors(t *testing.T, s *store.Store, cid, eid string) *export.Export {
	t.Helper()
	ctx := context.Background()
	e := newExport(cid, eid)
	e.Prefix = cid + "/" + eid + "/"
	if err := s.Start(ctx, e, export.AuditEntry{At: t0, Actor: e.RequestedBy, Action: export.ActionStart, ExportID: eid}, t0); err != nil {
		t.Fatal(err)
	}
	for _, st := range []export.State{export.Running, export.Assembling, export.CompletedWithErrors} {
		var err error
		if e, err = s.Update(ctx, cid, eid, func(e *export.Export) ([]export.AuditEntry, error) {
			e.State = st
			if st.Done() {
				e.CompletedAt, e.Expires = t0, export.Expires(t0)
			}
			return nil, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func TestConcurrentRetriesMakeOne(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	completedWithErrors(t, s, "c1", "e1")
	at := t0.Add(time.Hour)
	const n = 10
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.StartRetry(ctx, "c1", "e1", func(orig, latest *export.Export) (*export.Export, []export.AuditEntry, error) {
				if err := orig.CanRetry(latest, at); err != nil {
					return nil, nil, err
				}
				r := export.NewRetry(orig, latest, "admin@c1.example.com", []string{"admin@c1.example.com"}, at)
				return r, []export.AuditEntry{{At: at, Actor: "admin@c1.example.com", Action: export.ActionRemediate, ExportID: r.ID}}, nil
			})
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		var rr *export.RetryRefusal
		switch {
		case err == nil:
			ok++
		case !errors.As(err, &rr) || rr.Reason != export.RetryRunning:
			t.Errorf("refusal %v, want %s", err, export.RetryRunning)
		}
	}
	if ok != 1 {
		t.Fatalf("%d retries made, want 1", ok)
	}
	orig, err := s.Export(ctx, "c1", "e1")
	if err != nil || len(orig.Retries) != 1 {
		t.Fatalf("original lists %d retries (%v)", len(orig.Retries), err)
	}
	r, err := s.Export(ctx, "c1", orig.Retries[0].ID)
	if err != nil || r.Parent != "e1" || r.Prefix != "c1/e1/retry-1/" {
		t.Fatalf("retry record %+v (%v)", r, err)
	}
	o, err := s.Organisation(ctx, "c1")
	if err != nil || o.ActiveExport != "" {
		t.Errorf("a retry took the one-export lock: %+v (%v)", o, err)
	}
	// The retry's completion leaves the cool-down alone (R16, not R2).
	before := o.CooldownEnd
	for _, st := range []export.State{export.Running, export.Assembling, export.Completed} {
		if _, err := s.Update(ctx, "c1", r.ID, func(e *export.Export) ([]export.AuditEntry, error) {
			e.State, e.CompletedAt = st, at.Add(time.Hour)
			return nil, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	if o, _ = s.Organisation(ctx, "c1"); !o.CooldownEnd.Equal(before) {
		t.Errorf("the retry moved the cool-down from %v to %v", before, o.CooldownEnd)
	}
}
