package pubsubpush_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"cloud.google.com/go/pubsub/v2"
	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/orgexport/orgexport/emulators/oidcissuer"
	"github.com/orgexport/orgexport/emulators/pubsubpush"
	"github.com/orgexport/orgexport/emulators/testenv"
)

const pushSA = "pubsub-push@orgexport-local.iam.gserviceaccount.com"

func TestMain(m *testing.M) {
	if os.Getenv(functionEnv) != "" {
		os.Exit(serveFunction())
	}
	os.Exit(testenv.Run(m, testenv.PubSub))
}

// delivery is one push as the endpoint saw it.
type delivery struct {
	at       time.Time
	answered time.Time
	auth     string
	ua       string
	path     string
	raw      string
	body     map[string]any
	status   int
}

// endpoint answers pushes with the statuses given in turn (the last one
// repeats) and records them. With pairWait set, push 2k waits up to
// pairWait for push 2k+1 before it answers: it is answered before
// pairWait only if both were in flight together.
type endpoint struct {
	mu       sync.Mutex
	statuses []int
	pairWait time.Duration
	got      []delivery
	arrived  chan struct{}
	more     *sync.Cond // signalled when a push arrives
	// hold, if set, holds every answer until it is closed; a push whose
	// request ends first counts in cut. started is told each push that
	// began.
	hold    chan struct{}
	started chan struct{}
	cut     int
}

func newEndpoint(statuses ...int) *endpoint {
	e := &endpoint{statuses: statuses, arrived: make(chan struct{}, 100)}
	e.more = sync.NewCond(&e.mu)
	return e
}

func (e *endpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	b, _ := io.ReadAll(r.Body)
	_ = json.Unmarshal(b, &body)
	if e.hold != nil {
		e.started <- struct{}{}
		select {
		case <-e.hold:
		case <-r.Context().Done():
			e.mu.Lock()
			e.cut++
			e.mu.Unlock()
			return
		}
	}
	e.mu.Lock()
	i := len(e.got)
	st := e.statuses[min(i, len(e.statuses)-1)]
	e.got = append(e.got, delivery{at: time.Now(), auth: r.Header.Get("Authorization"), ua: r.UserAgent(), path: r.URL.Path,
		raw: string(b), body: body, status: st})
	e.more.Broadcast()
	if e.pairWait > 0 {
		wake := time.AfterFunc(e.pairWait, func() { e.mu.Lock(); e.more.Broadcast(); e.mu.Unlock() })
		for start := time.Now(); len(e.got) < i/2*2+2 && time.Since(start) < e.pairWait; {
			e.more.Wait()
		}
		wake.Stop()
	}
	e.got[i].answered = time.Now()
	e.mu.Unlock()
	w.WriteHeader(st)
	e.arrived <- struct{}{}
}

func (e *endpoint) wait(t *testing.T, n int) []delivery {
	t.Helper()
	for i := 0; i < n; i++ {
		select {
		case <-e.arrived:
		case <-time.After(20 * time.Second):
			t.Fatalf("only %d of %d pushes arrived", i, n)
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]delivery(nil), e.got...)
}

// rig is an issuer, an endpoint and a running forwarder for one route.
type rig struct {
	env    *testenv.Env
	issuer *oidcissuer.Issuer
	issURL string
	ep     *endpoint
	url    string
	route  pubsubpush.Route
	fwd    *pubsubpush.Forwarder
	// stop ends the forwarder newRig started (again: a no-op).
	stop func() error
}

func newRig(t *testing.T, ep *endpoint, configure func(*testenv.Env, *pubsubpush.Route, *pubsubpush.Options)) *rig {
	env := testenv.Get(t)
	issSrv := httptest.NewServer(nil)
	t.Cleanup(issSrv.Close)
	iss, err := oidcissuer.New(issSrv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	issSrv.Config.Handler = iss.Handler()
	topic := env.Name("events")
	mux := http.NewServeMux()
	path := "/projects/" + env.Project + "/topics/" + topic
	mux.Handle(path, ep)
	epSrv := httptest.NewServer(mux)
	t.Cleanup(epSrv.Close)
	r := &rig{env: env, issuer: iss, issURL: issSrv.URL, ep: ep, url: epSrv.URL + path}
	r.route = pubsubpush.Route{Topic: topic, Subscription: env.Name("events-push"), Endpoint: r.url, ServiceAccount: pushSA}
	opts := pubsubpush.Options{MinBackoff: 100 * time.Millisecond, MaxBackoff: 150 * time.Millisecond}
	if configure != nil {
		configure(env, &r.route, &opts)
	}
	r.stop = r.start(t, opts)
	t.Cleanup(func() {
		if err := r.stop(); err != nil {
			t.Errorf("forwarder: %v", err)
		}
	})
	return r
}

// start runs a forwarder for the rig's route; stop ends it and returns
// what Run returned.
func (r *rig) start(t *testing.T, opts pubsubpush.Options) (stop func() error) {
	f, err := pubsubpush.New(r.env.PubSub(), r.issuer, []pubsubpush.Route{r.route}, opts)
	if err != nil {
		t.Fatal(err)
	}
	r.fwd = f
	ctx, cancel := context.WithCancel(context.Background())
	if err := f.Ensure(ctx); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	var once sync.Once
	var runErr error
	return func() error {
		once.Do(func() { cancel(); runErr = <-done })
		return runErr
	}
}

func (r *rig) publish(t *testing.T, data string, attrs map[string]string) string {
	t.Helper()
	pub := r.env.PubSub().Publisher("projects/" + r.env.Project + "/topics/" + r.route.Topic)
	defer pub.Stop()
	id, err := pub.Publish(context.Background(), &pubsub.Message{Data: []byte(data), Attributes: attrs}).Get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// A push carries Pub/Sub's body and a token that verifies for the route's
// audience and service account.
func TestPushFormatAndToken(t *testing.T) {
	r := newRig(t, newEndpoint(http.StatusNoContent), nil)
	id := r.publish(t, `{"exportId":"e1"}`, map[string]string{"kind": "account-finished"})
	d := r.ep.wait(t, 1)[0]

	msg, _ := d.body["message"].(map[string]any)
	wantSub := "projects/" + r.env.Project + "/subscriptions/" + r.route.Subscription
	if d.body["subscription"] != wantSub || msg["messageId"] != id || msg["message_id"] != id ||
		msg["data"] != "eyJleHBvcnRJZCI6ImUxIn0=" || msg["attributes"].(map[string]any)["kind"] != "account-finished" {
		t.Fatalf("push body %v", d.body)
	}
	if pt, err := time.Parse(time.RFC3339Nano, msg["publishTime"].(string)); err != nil || time.Since(pt) > time.Minute {
		t.Fatalf("publishTime %v (%v)", msg["publishTime"], err)
	}
	if _, ok := d.body["deliveryAttempt"]; ok {
		t.Fatal("deliveryAttempt sent without a dead-letter policy")
	}
	if d.ua != pubsubpush.UserAgent {
		t.Errorf("User-Agent %q", d.ua)
	}
	ctx := context.Background()
	prov, err := oidc.NewProvider(ctx, r.issURL)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := prov.Verifier(&oidc.Config{ClientID: r.url}).Verify(ctx, d.auth[len("Bearer "):])
	if err != nil {
		t.Fatalf("push token does not verify for audience %s: %v", r.url, err)
	}
	var claims struct{ Email string }
	if err := tok.Claims(&claims); err != nil || claims.Email != pushSA {
		t.Fatalf("token email %q (%v)", claims.Email, err)
	}
}

// Failed pushes are retried after a doubling backoff, capped, until the
// endpoint acknowledges; then the message is not pushed again.
func TestRetryWithBackoff(t *testing.T) {
	r := newRig(t, newEndpoint(500, 429, 200), nil)
	id := r.publish(t, "retry me", nil)
	got := r.ep.wait(t, 3)
	for i, d := range got {
		if d.body["message"].(map[string]any)["messageId"] != id {
			t.Fatalf("push %d is another message: %v", i, d.body)
		}
	}
	if gap := got[1].at.Sub(got[0].at); gap < 100*time.Millisecond {
		t.Errorf("first retry after %v, want >= 100ms", gap)
	}
	if gap := got[2].at.Sub(got[1].at); gap < 150*time.Millisecond {
		t.Errorf("second retry after %v, want >= 150ms (200ms capped at 150ms)", gap)
	}
	select {
	case <-r.ep.arrived:
		t.Fatal("pushed again after 200")
	case <-time.After(time.Second):
	}
}

// After MaxDeliveryAttempts the message goes to the dead-letter topic with
// Pub/Sub's attributes, and each push said which attempt it was.
func TestDeadLetter(t *testing.T) {
	ep := newEndpoint(http.StatusServiceUnavailable)
	var dlq string
	r := newRig(t, ep, func(_ *testenv.Env, rt *pubsubpush.Route, _ *pubsubpush.Options) {
		rt.MaxDeliveryAttempts = 3
		rt.DeadLetterTopic = "dlq-" + rt.Topic
		dlq = rt.DeadLetterTopic
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	sub := subscribe(t, r.env, dlq)
	r.publish(t, "poison", map[string]string{"a": "b"})
	got := r.ep.wait(t, 3)
	for i, d := range got {
		if d.body["deliveryAttempt"] != float64(i+1) {
			t.Errorf("push %d: deliveryAttempt %v", i, d.body["deliveryAttempt"])
		}
	}
	m := receiveOne(t, ctx, sub)
	if string(m.Data) != "poison" || m.Attributes["a"] != "b" ||
		m.Attributes["CloudPubSubDeadLetterSourceDeliveryCount"] != "3" ||
		m.Attributes["CloudPubSubDeadLetterSourceSubscription"] != r.route.Subscription {
		t.Fatalf("dead letter %q %v", m.Data, m.Attributes)
	}
}

func TestBackoff(t *testing.T) {
	want := []time.Duration{10, 20, 40, 80, 160, 320, 600, 600}
	for i, w := range want {
		if got := pubsubpush.Backoff(i+1, 10*time.Second, 600*time.Second); got != w*time.Second {
			t.Errorf("attempt %d: %v, want %v", i+1, got, w*time.Second)
		}
	}
}
