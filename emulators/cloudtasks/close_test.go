package cloudtasks_test

import (
	"context"
	"net/http"
	"runtime"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/cloudtasks"
)

// Close cancels attempts in flight and returns promptly.
func TestCloseCancelsInFlight(t *testing.T) {
	srv, err := cloudtasks.Start(context.Background(), cloudtasks.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{srv: srv, target: newTarget(t, srv.IssuerURL()), client: dial(t, srv.Addr())}
	cancelled := make(chan struct{})
	e.target.setHold(func(r *http.Request) bool {
		go func() { <-r.Context().Done(); close(cancelled) }()
		return true
	})
	q := e.queue(t, "q", nil)
	e.create(t, q, e.httpTask("", ""))
	e.target.next(t)
	began := time.Now()
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(began); el > 2*time.Second {
		t.Errorf("close took %v with an attempt in flight", el)
	}
	select {
	case <-cancelled:
	case <-time.After(2 * time.Second):
		t.Error("the in-flight request was not cancelled")
	}
}

// After Close, the goroutines the emulator started are gone.
func TestCloseLeavesNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	func() {
		e := start(t, cloudtasks.Options{})
		q := e.queue(t, "q", nil)
		for range 20 {
			e.create(t, q, e.httpTask("", "x"))
		}
		for range 20 {
			e.target.next(t)
		}
		if err := e.srv.Close(); err != nil {
			t.Fatal(err)
		}
		_ = e.client.Close()
		e.target.srv.Close()
	}()
	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines after close, %d before:\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}
