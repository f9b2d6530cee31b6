package cloudtasks_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	ctapi "cloud.google.com/go/cloudtasks/apiv2"
	pb "cloud.google.com/go/cloudtasks/apiv2/cloudtaskspb"
	"github.com/coreos/go-oidc/v3/oidc"
	"google.golang.org/api/option"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/orgexport/orgexport/emulators/cloudtasks"
)

const (
	location = "projects/demo/locations/us-central1"
	invoker  = "tasks@demo.iam.gserviceaccount.com"
)

// clock is a manual clock for Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now().Truncate(time.Second)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is an emulator, a client of it and a target that records dispatches.
type env struct {
	srv    *cloudtasks.Server
	client *ctapi.Client
	target *target
	clock  *clock // nil in real time
}

func start(t testing.TB, o cloudtasks.Options) *env {
	t.Helper()
	ctx := context.Background()
	srv, err := cloudtasks.Start(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	client, err := ctapi.NewClient(ctx, srv.ClientOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	return &env{srv: srv, client: client, target: newTarget(t, srv.IssuerURL())}
}

// dial connects the official client to the emulator, as the package
// documentation shows.
func dial(t testing.TB, addr string) *ctapi.Client {
	t.Helper()
	client, err := ctapi.NewClient(context.Background(),
		option.WithEndpoint(addr),
		option.WithoutAuthentication(),
		option.WithGRPCDialOption(grpc.WithTransportCredentials(insecure.NewCredentials())))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	return client
}

// startClocked starts an emulator on a manual clock.
func startClocked(t testing.TB, o cloudtasks.Options) *env {
	c := newClock()
	o.Now = c.Now
	e := start(t, o)
	e.clock = c
	return e
}

// advance moves the manual clock and lets the emulator see it.
func (e *env) advance(d time.Duration) {
	e.clock.Advance(d)
	e.srv.Tick()
}

func (e *env) queue(t testing.TB, id string, q *pb.Queue) string {
	t.Helper()
	if q == nil {
		q = &pb.Queue{}
	}
	q.Name = location + "/queues/" + id
	got, err := e.client.CreateQueue(context.Background(), &pb.CreateQueueRequest{Parent: location, Queue: q})
	if err != nil {
		t.Fatalf("create queue: %v", err)
	}
	return got.Name
}

// httpTask is a task for the target with an OIDC token.
func (e *env) httpTask(name string, body string) *pb.Task {
	return &pb.Task{Name: name, MessageType: &pb.Task_HttpRequest{HttpRequest: &pb.HttpRequest{
		Url:                 e.target.srv.URL + "/work",
		Body:                []byte(body),
		Headers:             map[string]string{"Content-Type": "application/json"},
		AuthorizationHeader: &pb.HttpRequest_OidcToken{OidcToken: &pb.OidcToken{ServiceAccountEmail: invoker}},
	}}}
}

func (e *env) create(t testing.TB, queue string, task *pb.Task) *pb.Task {
	t.Helper()
	got, err := e.client.CreateTask(context.Background(), &pb.CreateTaskRequest{Parent: queue, Task: task})
	if err != nil {
		t.Fatalf("create task: %v", err)
	}
	return got
}

func wantCode(t testing.TB, err error, want codes.Code, what string) {
	t.Helper()
	if got := status.Code(err); got != want {
		t.Errorf("%s: got %v (%v), want %v", what, got, err, want)
	}
}

// dispatch is one request the target received.
type dispatch struct {
	Method, Path string
	Header       http.Header
	Body         string
	Claims       claims
	TokenErr     error
	At           time.Time
}

type claims struct {
	Email string `json:"email"`
	Sub   string `json:"sub"`
	Aud   any    `json:"aud"`
}

// target is an HTTP handler that verifies the OIDC token of each
// dispatch with go-oidc against the emulator's issuer and records it.
type target struct {
	srv      *httptest.Server
	verifier *oidc.IDTokenVerifier
	got      chan dispatch

	mu     sync.Mutex
	status int                        // response status, 200 when zero
	hold   func(r *http.Request) bool // when set and true, block until the request ends
}

func newTarget(t testing.TB, issuer string) *target {
	prov, err := oidc.NewProvider(context.Background(), issuer)
	if err != nil {
		t.Fatalf("oidc discovery: %v", err)
	}
	tg := &target{verifier: prov.Verifier(&oidc.Config{SkipClientIDCheck: true}), got: make(chan dispatch, 100000)}
	tg.srv = httptest.NewServer(http.HandlerFunc(tg.serve))
	t.Cleanup(tg.srv.Close)
	return tg
}

func (tg *target) setStatus(code int) {
	tg.mu.Lock()
	tg.status = code
	tg.mu.Unlock()
}

func (tg *target) setHold(hold func(*http.Request) bool) {
	tg.mu.Lock()
	tg.hold = hold
	tg.mu.Unlock()
}

func (tg *target) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	d := dispatch{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: string(body), At: time.Now()}
	if auth := r.Header.Get("Authorization"); len(auth) > 7 {
		tok, err := tg.verifier.Verify(r.Context(), auth[len("Bearer "):])
		d.TokenErr = err
		if err == nil {
			d.TokenErr = tok.Claims(&d.Claims)
		}
	}
	tg.mu.Lock()
	code, hold := tg.status, tg.hold
	tg.mu.Unlock()
	tg.got <- d
	if hold != nil && hold(r) {
		<-r.Context().Done()
		return
	}
	if code == 0 {
		code = http.StatusOK
	}
	w.WriteHeader(code)
}

// next waits for the next dispatch.
func (tg *target) next(t testing.TB) dispatch {
	t.Helper()
	select {
	case d := <-tg.got:
		return d
	case <-time.After(5 * time.Second):
		t.Fatal("no dispatch within 5s")
		return dispatch{}
	}
}

// none asserts that nothing is dispatched for a while.
func (tg *target) none(t testing.TB, within time.Duration) {
	t.Helper()
	select {
	case d := <-tg.got:
		t.Fatalf("unexpected dispatch of %s", d.Header.Get("X-CloudTasks-TaskName"))
	case <-time.After(within):
	}
}

// gone waits until the task no longer exists (GetTask is NotFound).
func (e *env) gone(t testing.TB, name string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		_, err := e.client.GetTask(context.Background(), &pb.GetTaskRequest{Name: name})
		if status.Code(err) == codes.NotFound {
			return
		}
	}
	t.Fatalf("task %s still exists after 5s", name)
}

func timestamp(t time.Time) *timestamppb.Timestamp { return timestamppb.New(t) }
