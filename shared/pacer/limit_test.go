package pacer

import (
	"net/http"
	"testing"
	"time"
)

// Under a limit of 10 units/s with bursts of 10, 30 calls of 2 units
// each take (60 − 10) / 10 = 5 s of the clock, and no call goes out
// before the bucket holds its units.
func TestLimitPacesCallsBeforeSending(t *testing.T) {
	srv, calls := script(t)
	clock := &fakeClock{now: time.Unix(1_000_000, 0)}
	p := newTestPacer(clock, 3).WithLimit(Limit{Rate: 10, Burst: 10, Cost: func(*http.Request) float64 { return 2 }})
	start := clock.Now()
	for i := 0; i < 30; i++ {
		get(t, p, srv.URL)
	}
	if *calls != 30 {
		t.Fatalf("%d calls", *calls)
	}
	if got := clock.Now().Sub(start); got != 5*time.Second {
		t.Errorf("30 calls of 2 units at 10/s after a burst of 10 took %v, want 5s", got)
	}
}

// A Set gives each pair its API's limit.
func TestSetAppliesEachAPIsLimit(t *testing.T) {
	srv, _ := script(t)
	clock := &fakeClock{now: time.Unix(1_000_000, 0)}
	set := NewSet(Options{Now: clock.Now, Sleep: clock.Sleep, Limits: func(api string) Limit {
		if api == "slow" {
			return Limit{Rate: 1, Burst: 1}
		}
		return Limit{}
	}})
	for i := 0; i < 5; i++ {
		get(t, set.For("a@x", "fast"), srv.URL)
	}
	if len(clock.sleeps) != 0 {
		t.Fatalf("an unlimited API slept %v", clock.sleeps)
	}
	for i := 0; i < 5; i++ {
		get(t, set.For("a@x", "slow"), srv.URL)
	}
	start := time.Unix(1_000_000, 0)
	if got := clock.Now().Sub(start); got != 4*time.Second {
		t.Errorf("5 calls at 1/s (burst 1) took %v, want 4s", got)
	}
}
