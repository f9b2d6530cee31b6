package housekeeping_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/testenv"
	"github.com/orgexport/orgexport/functions/housekeeping"
	"github.com/orgexport/orgexport/shared/blob"
	"github.com/orgexport/orgexport/shared/control"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/store"
)

func TestMain(m *testing.M) { os.Exit(testenv.Run(m, testenv.Firestore|testenv.Storage)) }

var t0 = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// recorder keeps the tasks and events housekeeping creates; a task name
// that exists is kept once, as Cloud Tasks does.
type recorder struct {
	mu     sync.Mutex
	tasks  map[string]export.Task
	events []string
}

func (r *recorder) Enqueue(_ context.Context, t export.Task) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tasks[string(t.Queue)+"/"+t.Name] = t
	return nil
}

func (r *recorder) AccountsFinished(_ context.Context, cid, eid string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, eid)
	return nil
}

type rig struct {
	t      *testing.T
	store  *store.Store
	bucket *blob.GCS
	rec    *recorder
	now    time.Time
	h      http.Handler
}

func newRig(t *testing.T) *rig {
	t.Helper()
	env := testenv.Get(t)
	ctx := context.Background()
	st, err := store.New(ctx, env.Project)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	b, err := blob.OpenGCS(ctx, env.Bucket, blob.GCSOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	r := &rig{t: t, store: st, bucket: b, rec: &recorder{tasks: map[string]export.Task{}}, now: t0}
	svc := &control.Service{Store: st, Work: st, Tasks: r.rec, Events: r.rec, Archive: blob.Deleter{Bucket: b},
		Log: slog.New(slog.DiscardHandler), Now: func() time.Time { return r.now }}
	r.h = housekeeping.New(svc, slog.New(slog.DiscardHandler))
	return r
}

// run calls Housekeeping as Cloud Scheduler does and returns its report.
func (r *rig) run() control.HousekeepingReport {
	r.t.Helper()
	rec := httptest.NewRecorder()
	r.h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", strings.NewReader("{}")))
	if rec.Code != http.StatusOK {
		r.t.Fatalf("housekeeping: %d %s", rec.Code, rec.Body)
	}
	var rep control.HousekeepingReport
	if err := json.Unmarshal(rec.Body.Bytes(), &rep); err != nil {
		r.t.Fatal(err)
	}
	return rep
}

// export records an export of cid requested at t0 with one super
// administrator, moved to state by fn.
func (r *rig) export(cid string, fn func(e *export.Export)) *export.Export {
	r.t.Helper()
	ctx := context.Background()
	e := &export.Export{ID: "e-" + cid, CustomerID: cid, Domain: cid + ".example", State: export.OnHold,
		RequestedBy: "admin@" + cid + ".example", RequestedAt: t0, HoldEnd: t0, Prefix: cid + "/e-" + cid + "/"}
	if err := r.store.Start(ctx, e, export.AuditEntry{At: t0, Action: export.ActionStart, ExportID: e.ID}, t0); err != nil {
		r.t.Fatal(err)
	}
	out, err := r.store.Update(ctx, cid, e.ID, func(x *export.Export) ([]export.AuditEntry, error) {
		fn(x)
		return nil, nil
	})
	if err != nil {
		r.t.Fatal(err)
	}
	return out
}

func running(e *export.Export) {
	e.State, e.StartedAt, e.CutOff, e.Deadline = export.Running, t0, export.CutOff(t0), export.Deadline(t0)
}

func (r *rig) accounts(e *export.Export, states ...export.AccountState) []export.Account {
	r.t.Helper()
	ctx := context.Background()
	var accts []export.Account
	for i := range states {
		id := fmt.Sprintf("u%d@%s", i, e.Domain)
		accts = append(accts, export.Account{Key: export.AccountKey(export.User, id), Type: export.User, ID: id, State: export.AccountPending,
			Resume: export.Resume{NextPart: 1}})
	}
	if _, err := r.store.AddAccounts(ctx, e.CustomerID, e.ID, accts); err != nil {
		r.t.Fatal(err)
	}
	for i, st := range states {
		r.setAccount(e, accts[i].Key, func(a *export.Account) { a.State, a.Heartbeat = st, t0 })
	}
	return accts
}

func (r *rig) setAccount(e *export.Export, key string, fn func(a *export.Account)) {
	r.t.Helper()
	_, err := r.store.UpdateAccount(context.Background(), e.CustomerID, e.ID, key, func(a *export.Account) error { fn(a); return nil })
	if err != nil {
		r.t.Fatal(err)
	}
}

func (r *rig) account(e *export.Export, key string) *export.Account {
	r.t.Helper()
	a, err := r.store.Account(context.Background(), e.CustomerID, e.ID, key)
	if err != nil {
		r.t.Fatal(err)
	}
	return a
}

func (r *rig) auditLen(cid string) int {
	r.t.Helper()
	a, err := r.store.Audit(context.Background(), cid, 100)
	if err != nil {
		r.t.Fatal(err)
	}
	return len(a)
}

func TestDeadlineFailsWhatIsUnfinished(t *testing.T) {
	r := newRig(t)
	e := r.export("c1", running)
	accts := r.accounts(e, export.AccountDone, export.AccountRunning, export.AccountPending)
	r.now = e.Deadline.Add(-time.Minute)
	for _, a := range accts {
		r.setAccount(e, a.Key, func(a *export.Account) { a.Heartbeat = r.now }) // alive, not stuck
	}
	if rep := r.run(); rep.DeadlinesPassed != 0 || len(r.rec.events) != 0 {
		t.Fatalf("a minute before the 14-day deadline: %+v, events %v", rep, r.rec.events)
	}
	r.now = e.Deadline
	if rep := r.run(); rep.DeadlinesPassed != 1 {
		t.Fatalf("at the deadline: %+v", rep)
	}
	if got := r.account(e, accts[0].Key); got.State != export.AccountDone {
		t.Errorf("a finished account became %s", got.State)
	}
	for _, a := range accts[1:] {
		got := r.account(e, a.Key)
		if got.State != export.AccountFailed || !strings.Contains(got.LastError, "14-day") {
			t.Errorf("unfinished account %s: %s %q; want failed for the 14-day limit", a.ID, got.State, got.LastError)
		}
	}
	if len(r.rec.events) != 1 || r.rec.events[0] != e.ID {
		t.Errorf("events %v: want the report triggered for %s", r.rec.events, e.ID)
	}
	audit := r.auditLen("c1")
	if rep := r.run(); rep != (control.HousekeepingReport{}) || r.auditLen("c1") != audit {
		t.Errorf("second run changed something: %+v, audit %d → %d", rep, audit, r.auditLen("c1"))
	}
}

func TestRetentionExpiresAndDeletes(t *testing.T) {
	r := newRig(t)
	done := t0.Add(72 * time.Hour)
	e := r.export("c2", func(e *export.Export) {
		running(e)
	})
	for _, st := range []export.State{export.Assembling, export.CompletedWithErrors} {
		e2, err := r.store.Update(context.Background(), "c2", e.ID, func(x *export.Export) ([]export.AuditEntry, error) {
			x.State, x.CompletedAt, x.Expires = st, done, export.Expires(done)
			return nil, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		e = e2
	}
	names := []string{e.Prefix + "report.html", e.Prefix + "users/a@c2.example/a-001.zip", "c2/other-export/report.html"}
	for _, n := range names {
		w := r.bucket.NewWriter(context.Background(), n, "application/octet-stream")
		io.WriteString(w, "data")
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	r.now = e.Expires.Add(-time.Minute)
	if rep := r.run(); rep.Expired != 0 {
		t.Fatalf("a minute before 30 days: %+v", rep)
	}
	r.now = e.Expires
	if rep := r.run(); rep.Expired != 1 || rep.ObjectsDeleted != 2 {
		t.Fatalf("at 30 days: %+v; want 1 expired, 2 objects deleted", rep)
	}
	got, _ := r.store.Export(context.Background(), "c2", e.ID)
	if got.State != export.Expired || got.State.Done() {
		t.Errorf("state %s after retention; want EXPIRED and no links", got.State)
	}
	for i, n := range names {
		_, err := r.bucket.Attrs(context.Background(), n)
		if gone := err != nil; gone != (i < 2) {
			t.Errorf("%s: gone %v (%v)", n, gone, err)
		}
	}
	audit := r.auditLen("c2")
	if rep := r.run(); rep != (control.HousekeepingReport{}) || r.auditLen("c2") != audit {
		t.Errorf("second run changed something: %+v", rep)
	}
}

func TestStuckAccountsAreSentAgain(t *testing.T) {
	r := newRig(t)
	e := r.export("c3", running)
	accts := r.accounts(e, export.AccountRunning, export.AccountRunning, export.AccountDone)
	r.now = t0.Add(time.Hour)
	r.setAccount(e, accts[0].Key, func(a *export.Account) { a.Heartbeat = r.now.Add(-control.StuckAfter - time.Second) })
	r.setAccount(e, accts[1].Key, func(a *export.Account) { a.Heartbeat = r.now.Add(-control.StuckAfter + time.Second) })
	r.setAccount(e, accts[2].Key, func(a *export.Account) { a.Heartbeat = t0 })
	if rep := r.run(); rep.StuckRequeued != 1 {
		t.Fatalf("%+v: want one stuck account sent again", rep)
	}
	if len(r.rec.tasks) != 1 {
		t.Fatalf("tasks %v", r.rec.tasks)
	}
	for _, task := range r.rec.tasks {
		b := task.Body.(export.AccountTask)
		if b.AccountKey != accts[0].Key || task.Queue != export.AccountsQueue || b.Attempt != 1 {
			t.Errorf("task %+v: want account %s again", task, accts[0].Key)
		}
	}
	if rep := r.run(); rep.StuckRequeued != 0 || len(r.rec.tasks) != 1 {
		t.Errorf("second run: %+v, %d tasks", rep, len(r.rec.tasks))
	}
}

func TestMissingBeginIsEnqueuedAgain(t *testing.T) {
	r := newRig(t)
	e := r.export("c4", func(e *export.Export) { e.HoldEnd = t0.Add(48 * time.Hour) })
	r.now = e.HoldEnd.Add(9 * time.Minute)
	if rep := r.run(); rep.BeginsEnqueued != 0 {
		t.Fatalf("9 minutes after the hold: %+v", rep)
	}
	r.now = e.HoldEnd.Add(10 * time.Minute)
	r.run()
	r.run()
	if len(r.rec.tasks) != 1 {
		t.Fatalf("tasks %v: want the one named begin task", r.rec.tasks)
	}
	for name, task := range r.rec.tasks {
		if name != "control/begin_"+e.ID || !task.At.Equal(e.HoldEnd) {
			t.Errorf("task %s at %s", name, task.At)
		}
	}
}

// A retry's objects and record expire with its original (R12, R16): at
// the original's expiry a completed retry expires too, and one still
// running — requested late, and allowed 14 days — is cancelled, so it
// uploads nothing after the original's objects are deleted and its purge
// deletes what it wrote; every object under the original's folder,
// retry-N/ included, is deleted.
func TestRetriesExpireWithTheirOriginal(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	done := t0.Add(72 * time.Hour)
	finish := func(id string, states ...export.State) {
		t.Helper()
		for _, st := range states {
			if _, err := r.store.Update(ctx, "c5", id, func(x *export.Export) ([]export.AuditEntry, error) {
				x.State = st
				if st == export.Running {
					x.StartedAt, x.Deadline = r.now, export.Deadline(r.now)
				}
				if st.Done() {
					x.CompletedAt = r.now
					if !x.IsRetry() {
						x.Expires = export.Expires(r.now)
					}
				}
				return nil, nil
			}); err != nil {
				t.Fatal(err)
			}
		}
	}
	e := r.export("c5", running)
	r.now = done
	finish(e.ID, export.Assembling, export.CompletedWithErrors)
	retry := func(at time.Time) *export.Export {
		t.Helper()
		x, err := r.store.StartRetry(ctx, "c5", e.ID, func(orig, latest *export.Export) (*export.Export, []export.AuditEntry, error) {
			if err := orig.CanRetry(latest, at); err != nil {
				return nil, nil, err
			}
			return export.NewRetry(orig, latest, orig.RequestedBy, []string{orig.RequestedBy}, at), nil, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	r.now = done.Add(24 * time.Hour)
	r1 := retry(r.now)
	finish(r1.ID, export.Running, export.Assembling, export.CompletedWithErrors)
	r.now = done.Add(export.RetryWindow - time.Hour) // the last day a retry may be asked for
	r2 := retry(r.now)
	finish(r2.ID, export.Running)
	names := []string{e.Prefix + "report.html", r1.Prefix + "report.html", r1.Prefix + "users/a@c5.example/a-001.zip",
		r2.Prefix + "users/a@c5.example/a-001.zip", "c5/other-export/report.html"}
	for _, n := range names {
		w := r.bucket.NewWriter(ctx, n, "application/octet-stream")
		io.WriteString(w, "data")
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	r.now = export.Expires(done)
	rep := r.run()
	if rep.Expired != 2 || rep.RetriesStopped != 1 || rep.ObjectsDeleted != 4 {
		t.Errorf("at the original's expiry: %+v; want it and its completed retry expired, the running retry stopped, 4 objects deleted", rep)
	}
	for id, want := range map[string]export.State{e.ID: export.Expired, r1.ID: export.Expired, r2.ID: export.Cancelled} {
		got, err := r.store.Export(ctx, "c5", id)
		if err != nil || got.State != want {
			t.Errorf("%s after the original's expiry: %v %v, want %s", id, got.State, err, want)
		}
	}
	if purge, ok := r.rec.tasks[string(export.PurgeData(r2).Queue)+"/"+export.PurgeData(r2).Name]; !ok {
		t.Errorf("no purge of the stopped retry %s: %v", r2.ID, r.rec.tasks)
	} else {
		t.Logf("purge of the stopped retry: %+v", purge.Body)
	}
	for i, n := range names {
		_, err := r.bucket.Attrs(ctx, n)
		if gone := err != nil; gone != (i < 4) {
			t.Errorf("%s: gone %v (%v)", n, gone, err)
		}
	}
	if rep := r.run(); rep.Expired != 0 || rep.RetriesStopped != 0 || rep.ObjectsDeleted != 0 {
		t.Errorf("second run: %+v", rep)
	}
}
