package cloudtasks_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	pb "cloud.google.com/go/cloudtasks/apiv2/cloudtaskspb"
	"github.com/coreos/go-oidc/v3/oidc"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/orgexport/orgexport/emulators/cloudtasks"
	"github.com/orgexport/orgexport/emulators/duplicate"
)

// arrival is one request a seqTarget received.
type arrival struct {
	at, answered time.Time
	header       http.Header
	body         string
	status       int
}

// seqTarget answers the i-th request with statuses[i] (the last repeats).
// With pairWait set, request 2k waits up to pairWait for request 2k+1
// before it answers: it is answered before pairWait only if both were in
// flight together.
type seqTarget struct {
	srv      *httptest.Server
	statuses []int
	pairWait time.Duration

	mu      sync.Mutex
	got     []arrival
	arrived *sync.Cond
}

func newSeqTarget(t *testing.T, pairWait time.Duration, statuses ...int) *seqTarget {
	tg := &seqTarget{statuses: statuses, pairWait: pairWait}
	tg.arrived = sync.NewCond(&tg.mu)
	tg.srv = httptest.NewServer(http.HandlerFunc(tg.serve))
	t.Cleanup(tg.srv.Close)
	return tg
}

func (tg *seqTarget) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	tg.mu.Lock()
	i := len(tg.got)
	tg.got = append(tg.got, arrival{at: time.Now(), header: r.Header.Clone(), body: string(body)})
	tg.arrived.Broadcast()
	if tg.pairWait > 0 {
		deadline := time.AfterFunc(tg.pairWait, func() { tg.mu.Lock(); tg.arrived.Broadcast(); tg.mu.Unlock() })
		for start := time.Now(); len(tg.got) < i/2*2+2 && time.Since(start) < tg.pairWait; {
			tg.arrived.Wait()
		}
		deadline.Stop()
	}
	code := tg.statuses[min(i, len(tg.statuses)-1)]
	tg.got[i].status, tg.got[i].answered = code, time.Now()
	tg.mu.Unlock()
	w.WriteHeader(code)
}

// wait returns the first n requests once they have been answered.
func (tg *seqTarget) wait(t *testing.T, n int) []arrival {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		tg.mu.Lock()
		done := len(tg.got) >= n
		for i := 0; done && i < n; i++ {
			done = !tg.got[i].answered.IsZero()
		}
		got := append([]arrival(nil), tg.got...)
		tg.mu.Unlock()
		if done {
			return got[:n]
		}
	}
	t.Fatalf("%d requests answered within 5s, want %d", len(tg.got), n)
	return nil
}

// count is how many requests arrived so far.
func (tg *seqTarget) count() int {
	tg.mu.Lock()
	defer tg.mu.Unlock()
	return len(tg.got)
}

func (e *env) taskTo(url, name, body string) *pb.Task {
	task := e.httpTask(name, body)
	task.GetHttpRequest().Url = url
	return task
}

// samePair fails unless two requests are the same dispatch: the same body
// and headers, Authorization included, with a token that verifies.
func samePair(t *testing.T, issuer string, a, b arrival) {
	t.Helper()
	if a.body != b.body {
		t.Errorf("bodies %q and %q differ", a.body, b.body)
	}
	for k := range a.header {
		if a.header.Get(k) != b.header.Get(k) {
			t.Errorf("header %s: %q and %q", k, a.header.Get(k), b.header.Get(k))
		}
	}
	if len(a.header) != len(b.header) {
		t.Errorf("headers %v and %v", a.header, b.header)
	}
	prov, err := oidc.NewProvider(context.Background(), issuer)
	if err != nil {
		t.Fatal(err)
	}
	auth := b.header.Get("Authorization")
	if len(auth) < len("Bearer x") {
		t.Fatalf("duplicate has no token: %q", auth)
	}
	if _, err := prov.Verifier(&oidc.Config{SkipClientIDCheck: true}).Verify(context.Background(), auth[len("Bearer "):]); err != nil {
		t.Errorf("the duplicate's token does not verify: %v", err)
	}
}

// Concurrent: every dispatch is also sent a second time while the first is
// in flight, the same request; the task runs to completion once (two
// requests, then it is gone).
func TestDuplicateConcurrent(t *testing.T) {
	e := start(t, cloudtasks.Options{Duplicate: duplicate.Concurrent})
	tg := newSeqTarget(t, 5*time.Second, http.StatusOK)
	q := e.queue(t, "q", nil)
	name := q + "/tasks/twice-at-once"
	e.create(t, q, e.taskTo(tg.srv.URL+"/work", name, `{"n":1}`))
	got := tg.wait(t, 2)
	samePair(t, e.srv.IssuerURL(), got[0], got[1])
	if got[0].header.Get("X-CloudTasks-TaskName") != "twice-at-once" || got[1].header.Get("X-CloudTasks-TaskRetryCount") != "0" {
		t.Errorf("headers %v", got[1].header)
	}
	for _, a := range got {
		if a.answered.Sub(a.at) >= 5*time.Second {
			t.Fatal("the two requests were not in flight together")
		}
	}
	e.gone(t, name)
	if n := tg.count(); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

// After: the duplicate goes out once the original answered, and only the
// original's answer counts: a failed original is retried although its
// duplicate succeeded, and a successful original ends the task although
// its duplicate failed.
func TestDuplicateAfterLeavesOutcomeToOriginal(t *testing.T) {
	e := startClocked(t, cloudtasks.Options{Duplicate: duplicate.After})
	tg := newSeqTarget(t, 0, http.StatusInternalServerError, http.StatusOK, http.StatusOK, http.StatusInternalServerError)
	q := e.queue(t, "q", &pb.Queue{RetryConfig: &pb.RetryConfig{MinBackoff: durationpb.New(10 * time.Second), MaxBackoff: durationpb.New(10 * time.Second)}})
	name := q + "/tasks/twice-in-turn"
	e.create(t, q, e.taskTo(tg.srv.URL+"/work", name, "x"))

	first := tg.wait(t, 2)
	samePair(t, e.srv.IssuerURL(), first[0], first[1])
	if !first[1].at.After(first[0].answered) {
		t.Errorf("the duplicate arrived at %v, before the original answered at %v", first[1].at, first[0].answered)
	}
	task := waitResponses(t, e, name, 1)
	if task.DispatchCount != 1 || task.LastAttempt.ResponseStatus.GetCode() == 0 {
		t.Errorf("after a failed original and a successful duplicate: %v", task)
	}
	e.advance(10 * time.Second)
	retry := tg.wait(t, 4)
	if retry[2].header.Get("X-CloudTasks-TaskRetryCount") != "1" || retry[2].header.Get("X-CloudTasks-TaskPreviousResponse") != "500" {
		t.Errorf("retry headers %v: want retry count 1 and the original's 500 as previous response", retry[2].header)
	}
	samePair(t, e.srv.IssuerURL(), retry[2], retry[3])
	e.gone(t, name)
	e.advance(time.Hour)
	time.Sleep(100 * time.Millisecond)
	if n := tg.count(); n != 4 {
		t.Errorf("%d requests, want 4: a failed duplicate must not retry the task", n)
	}
}

// Alternating takes turns: concurrent, after, concurrent…; SetDuplicate
// turns duplicates off for the dispatches that start afterwards.
func TestDuplicateAlternatingAndSet(t *testing.T) {
	e := start(t, cloudtasks.Options{Duplicate: duplicate.Alternating})
	tg := newSeqTarget(t, 500*time.Millisecond, http.StatusOK)
	q := e.queue(t, "q", &pb.Queue{RateLimits: &pb.RateLimits{MaxConcurrentDispatches: 1}})
	for i, want := range []string{"concurrent", "after", "concurrent"} {
		e.create(t, q, e.taskTo(tg.srv.URL+"/work", "", "x"))
		got := tg.wait(t, 2*i+2)
		a, b := got[2*i], got[2*i+1]
		samePair(t, e.srv.IssuerURL(), a, b)
		if after := !b.at.Before(a.answered); (want == "after") != after {
			t.Errorf("dispatch %d: duplicate at %v, original answered at %v; want %s", i+1, b.at, a.answered, want)
		}
		waitIdle(t, e, q)
	}
	e.srv.SetDuplicate(duplicate.Off)
	e.create(t, q, e.taskTo(tg.srv.URL+"/work", "", "x"))
	tg.wait(t, 7)
	waitIdle(t, e, q)
	time.Sleep(100 * time.Millisecond)
	if n := tg.count(); n != 7 {
		t.Errorf("%d requests, want 7: duplicates were turned off", n)
	}
}

// waitIdle waits until the queue has no tasks left.
func waitIdle(t *testing.T, e *env, q string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		it := e.client.ListTasks(context.Background(), &pb.ListTasksRequest{Parent: q})
		if _, err := it.Next(); err != nil {
			return
		}
	}
	t.Fatalf("queue %s still has tasks after 5s", q)
}

// InFlight counts a dispatch until its duplicate too has been answered:
// here the task is gone (its original succeeded) while the duplicate still
// waits for an answer.
func TestInFlightCountsDuplicate(t *testing.T) {
	e := start(t, cloudtasks.Options{Duplicate: duplicate.After})
	var mu sync.Mutex
	n := 0
	e.target.setHold(func(*http.Request) bool {
		mu.Lock()
		defer mu.Unlock()
		n++
		return n == 2
	})
	q := e.queue(t, "q", nil)
	name := q + "/tasks/held-duplicate"
	e.create(t, q, e.httpTask(name, ""))
	e.target.next(t)
	e.target.next(t)
	e.gone(t, name)
	if got := e.srv.InFlight(); got != 1 {
		t.Errorf("in flight %d with the duplicate unanswered, want 1", got)
	}
	e.target.setHold(nil)
	if err := e.srv.Close(); err != nil { // cancels the held duplicate
		t.Fatal(err)
	}
	if got := e.srv.InFlight(); got != 0 {
		t.Errorf("in flight %d after Close, want 0", got)
	}
}
