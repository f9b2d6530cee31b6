package pubsubpush_test

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/pubsubpush"
	"github.com/orgexport/orgexport/emulators/testenv"
)

// warnings keeps the forwarder's log records at Warn and above.
type warnings struct {
	mu  sync.Mutex
	got []string
}

func (w *warnings) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }
func (w *warnings) Handle(_ context.Context, r slog.Record) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.got = append(w.got, r.Message)
	return nil
}
func (w *warnings) WithAttrs([]slog.Attr) slog.Handler { return w }
func (w *warnings) WithGroup(string) slog.Handler      { return w }

func (w *warnings) list() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.got...)
}

func holding() *endpoint {
	ep := newEndpoint(http.StatusOK)
	ep.hold, ep.started = make(chan struct{}), make(chan struct{}, 10)
	return ep
}

func waitStarted(t *testing.T, ep *endpoint) {
	t.Helper()
	select {
	case <-ep.started:
	case <-time.After(20 * time.Second):
		t.Fatal("no push arrived")
	}
}

// A push in flight when the forwarder stops may finish within Drain: the
// endpoint's answer acknowledges the message, which is not pushed again,
// and nothing is logged as a failure.
func TestStopDrainsPushInFlight(t *testing.T) {
	ep, logs := holding(), &warnings{}
	var opts pubsubpush.Options
	r := newRig(t, ep, func(_ *testenv.Env, _ *pubsubpush.Route, o *pubsubpush.Options) {
		o.Drain, o.Logger = 20*time.Second, slog.New(logs)
		opts = *o
	})
	r.publish(t, "in flight at stop", nil)
	waitStarted(t, ep)
	stopped := make(chan error, 1)
	go func() { stopped <- r.stop() }()
	time.Sleep(200 * time.Millisecond) // let the stop begin while the push is held
	close(ep.hold)
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
	if d := ep.wait(t, 1); len(d) != 1 || d[0].status != http.StatusOK || ep.cut != 0 {
		t.Fatalf("%d pushes answered, %d cut; want the one answered", len(d), ep.cut)
	}
	if w := logs.list(); len(w) > 0 {
		t.Errorf("stopping logged %q", w)
	}
	stop := r.start(t, opts)
	defer stop()
	select {
	case <-ep.arrived:
		t.Fatal("the acknowledged message was pushed again")
	case <-time.After(time.Second):
	}
}

// Without Drain, a push in flight is abandoned at once: the forwarder
// stops promptly, says nothing is wrong, and the message is delivered
// again by the next run.
func TestStopAbandonsPushQuietly(t *testing.T) {
	ep, logs := holding(), &warnings{}
	var opts pubsubpush.Options
	r := newRig(t, ep, func(_ *testenv.Env, _ *pubsubpush.Route, o *pubsubpush.Options) {
		o.Logger = slog.New(logs)
		opts = *o
	})
	id := r.publish(t, "abandoned at stop", nil)
	waitStarted(t, ep)
	t0 := time.Now()
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(t0); d > 5*time.Second {
		t.Errorf("stop took %v with a push in flight", d)
	}
	if w := logs.list(); len(w) > 0 {
		t.Errorf("stopping logged %q", w)
	}
	close(ep.hold)
	stop := r.start(t, opts)
	defer stop()
	d := ep.wait(t, 1)
	if d[0].body["message"].(map[string]any)["messageId"] != id {
		t.Fatalf("the next run pushed %v, want the abandoned message %s", d[0].body, id)
	}
}
