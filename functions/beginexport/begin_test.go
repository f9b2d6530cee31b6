package beginexport_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/smtpsink"
	"github.com/orgexport/orgexport/emulators/testenv"
	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/functions/beginexport"
	"github.com/orgexport/orgexport/shared/auth"
	"github.com/orgexport/orgexport/shared/config"
	"github.com/orgexport/orgexport/shared/control"
	"github.com/orgexport/orgexport/shared/delegation"
	"github.com/orgexport/orgexport/shared/directory"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/notify"
	"github.com/orgexport/orgexport/shared/pipeline"
	"github.com/orgexport/orgexport/shared/store"
	"github.com/orgexport/orgexport/shared/wire"
)

func TestMain(m *testing.M) { os.Exit(testenv.Run(m, testenv.Firestore)) }

// recorder keeps the tasks and events the functions create.
type recorder struct {
	mu     sync.Mutex
	tasks  []export.Task
	events []string
}

func (r *recorder) Enqueue(_ context.Context, t export.Task) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tasks = append(r.tasks, t)
	return nil
}

func (r *recorder) AccountFinished(_ context.Context, cid, eid, key string) error { return nil }

func (r *recorder) AccountsFinished(_ context.Context, cid, eid string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, eid)
	return nil
}

// accountTasks lists the account keys of the per-account tasks.
func (r *recorder) accountTasks() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, t := range r.tasks {
		if b, ok := t.Body.(export.AccountTask); ok {
			out = append(out, b.AccountKey)
		}
	}
	return out
}

// rig is an organisation on the Workspace emulator, the Firestore
// emulator, an SMTP sink and a clock shared by the control plane and
// BeginExport.
type rig struct {
	t     *testing.T
	org   *synth.Org
	store *store.Store
	mail  *smtpsink.Sink
	rec   *recorder
	now   time.Time
	svc   *control.Service
	begin http.Handler
	// clients are the Workspace clients of each control plane served.
	clients map[*control.Service]*delegation.Factory
}

func newRig(t *testing.T, opts synth.Options) *rig {
	t.Helper()
	testenv.Get(t)
	r := &rig{t: t, rec: &recorder{}, now: opts.Now, clients: map[*control.Service]*delegation.Factory{}}
	st, err := store.New(context.Background(), os.Getenv(testenv.EnvProject))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	r.store = st
	if r.mail, err = smtpsink.Start(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.mail.Close() })
	r.org, r.svc = r.serve(opts)
	r.begin = r.handler(r.svc)
	return r
}

func (r *rig) clock() time.Time { return r.now }

// serve starts a Workspace emulator for opts and a control plane that
// reads it as its Directory.
func (r *rig) serve(opts synth.Options) (*synth.Org, *control.Service) {
	return r.serveVia(opts, nil)
}

// serveVia is serve with the Workspace APIs reached through transport.
func (r *rig) serveVia(opts synth.Options, transport http.RoundTripper) (*synth.Org, *control.Service) {
	org, err := synth.New(opts)
	if err != nil {
		r.t.Fatal(err)
	}
	ws, err := workspace.Start(workspace.Config{Org: org}, "127.0.0.1:0")
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { ws.Close() })
	f, err := delegation.New(context.Background(), config.Workspace{Endpoint: ws.URL(), DelegationServiceAccount: ws.DelegationAccount()}, delegation.Options{Transport: transport})
	if err != nil {
		r.t.Fatal(err)
	}
	host, port, _ := net.SplitHostPort(r.mail.Addr())
	p, _ := strconv.Atoi(port)
	sender, err := notify.NewSender(config.Mail{Host: host, Port: p, TLS: "none", From: "orgexport@orgexport.example",
		ConsoleURL: "https://console.example", ArchiveURL: "https://storage.example/bucket"}, notify.Options{})
	if err != nil {
		r.t.Fatal(err)
	}
	svc := &control.Service{Store: r.store, Directory: directory.New(f), Mail: &notify.Outbox{Mailer: &notify.Mailer{Sender: sender}, Store: r.store, Now: r.clock},
		Tasks: r.rec, Events: r.rec, Log: slog.New(slog.DiscardHandler), Now: r.clock, Hold: 48 * time.Hour}
	r.clients[svc] = f
	return org, svc
}

// handler is BeginExport on svc's Directory.
func (r *rig) handler(svc *control.Service) http.Handler {
	log := slog.New(slog.DiscardHandler)
	return beginexport.New(&pipeline.Pipeline{
		Store: r.store, Directory: svc.Directory.(*directory.Directory), Tasks: r.rec, Events: r.rec, Requesters: svc,
		Connectors: wire.Connectors(r.clients[svc], log), Log: log, Now: r.clock, Budget: time.Minute}, log)
}

// start requests an export as the organisation's i-th user.
func (r *rig) start(i int) *export.Export {
	r.t.Helper()
	email := r.org.Users()[i].Email
	e, err := r.svc.Start(context.Background(), auth.Principal{Email: email, HostedDomain: r.org.Customer().Domain}, control.StartRequest{})
	if err != nil {
		r.t.Fatal(err)
	}
	return e
}

// deliver sends the begin task of e to h as Cloud Tasks would.
func (r *rig) deliver(h http.Handler, e *export.Export) (int, string) {
	body, _ := json.Marshal(export.BeginTask{CustomerID: e.CustomerID, ExportID: e.ID})
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

func (r *rig) export(e *export.Export) *export.Export {
	r.t.Helper()
	got, err := r.store.Export(context.Background(), e.CustomerID, e.ID)
	if err != nil {
		r.t.Fatal(err)
	}
	return got
}

func TestBeginWaitsForTheHoldToEnd(t *testing.T) {
	r := newRig(t, synth.Tiny(30))
	e := r.start(0)
	r.now = e.HoldEnd.Add(-time.Minute) // 47 h 59 m after the request
	if code, body := r.deliver(r.begin, e); code != http.StatusServiceUnavailable {
		t.Fatalf("begin at 47h59m: %d %s; want 503 so Cloud Tasks retries", code, body)
	}
	if got := r.export(e); got.State != export.OnHold || len(r.rec.accountTasks()) != 0 {
		t.Fatalf("begin at 47h59m changed the export: %s, %d account tasks", got.State, len(r.rec.accountTasks()))
	}
	r.now = e.HoldEnd
	if code, body := r.deliver(r.begin, e); code != http.StatusOK {
		t.Fatalf("begin at 48h: %d %s", code, body)
	}
	got := r.export(e)
	if got.State != export.Running || !got.StartedAt.Equal(e.HoldEnd) || !got.CutOff.Equal(e.HoldEnd.Add(-24*time.Hour)) {
		t.Errorf("after the hold: %s, started %s, cut-off %s", got.State, got.StartedAt, got.CutOff)
	}
	if len(r.rec.accountTasks()) == 0 {
		t.Error("no account was sent to ExportAccount")
	}
	if a := r.audit(e); len(a) != 2 || a[0].Action != export.ActionHoldEnd || a[0].ExportID != e.ID {
		t.Errorf("audit %+v: want the hold's end recorded (R15)", a)
	}
	// A redelivery of the same task does nothing new.
	n := len(r.rec.accountTasks())
	if code, _ := r.deliver(r.begin, e); code != http.StatusOK || len(r.rec.accountTasks()) != n {
		t.Errorf("redelivered begin: %d, %d account tasks (was %d)", code, len(r.rec.accountTasks()), n)
	}
}

// Tiny's user 4 was created 2 hours before the organisation's reference
// time; the cut-off is 24 hours before the end of the hold (R4).
func TestCutOffEdges(t *testing.T) {
	for _, c := range []struct {
		name     string
		age      time.Duration // of user 4 when the hold ends
		exported bool
	}{{"23h59m", 24*time.Hour - time.Minute, false}, {"24h", 24 * time.Hour, true}} {
		t.Run(c.name, func(t *testing.T) {
			opts := synth.Tiny(31)
			opts.MetadataOnly = true
			r := newRig(t, opts)
			young := r.org.Users()[4]
			r.now = young.Created.Add(c.age - 48*time.Hour)
			e := r.start(0)
			r.now = e.HoldEnd
			if code, body := r.deliver(r.begin, e); code != http.StatusOK {
				t.Fatalf("begin: %d %s", code, body)
			}
			key := export.AccountKey(export.User, young.Email)
			if got := slices.Contains(r.rec.accountTasks(), key); got != c.exported {
				t.Errorf("user created %s before the export started: exported %v, want %v", c.name, got, c.exported)
			}
		})
	}
}

// R3c: when the hold ends and the requester is no longer a super
// administrator, the export is cancelled and the others are told. The
// Workspace emulator cannot demote a user, so the Directory at the hold's
// end is a second emulator of the same organisation in which the
// requester's account no longer exists: the Directory refuses to answer
// as them, exactly as it does for a demoted admin.
func TestRequesterLostAtHoldEndCancels(t *testing.T) {
	opts := synth.Tiny(32)
	r := newRig(t, opts)
	r.now = opts.Now.Add(25 * 24 * time.Hour) // user 2 is now 35 days old
	requester := r.org.Users()[2].Email
	e := r.start(2)
	later := opts
	later.Users = 2
	_, lost := r.serve(later)
	r.now = e.HoldEnd
	if code, body := r.deliver(r.handler(lost), e); code != http.StatusOK {
		t.Fatalf("begin after the requester left: %d %s", code, body)
	}
	got := r.export(e)
	if got.State != export.Cancelled || len(r.rec.accountTasks()) != 0 {
		t.Fatalf("export %s with %d account tasks; want CANCELLED with none", got.State, len(r.rec.accountTasks()))
	}
	msgs, err := r.mail.Messages()
	if err != nil || len(msgs) != 2 {
		t.Fatalf("%d emails (%v), want the hold notice and the cancellation", len(msgs), err)
	}
	cancel := msgs[1]
	if slices.Contains(cancel.To, requester) || len(cancel.To) != 2 {
		t.Errorf("cancellation went to %v; want the other super administrators, not %s", cancel.To, requester)
	}
	if a := r.audit(e); len(a) != 2 || a[0].Action != export.ActionCancel || a[0].Actor != "orgexport" {
		t.Errorf("audit %+v: want the automatic cancellation recorded", a)
	}
	text, _ := cancel.Part("text/plain")
	if !strings.Contains(text.Body, "no longer a super administrator") {
		t.Errorf("the cancellation does not say why:\n%s", text.Body)
	}
}

func (r *rig) audit(e *export.Export) []export.AuditEntry {
	r.t.Helper()
	a, err := r.store.Audit(context.Background(), e.CustomerID, 100)
	if err != nil {
		r.t.Fatal(err)
	}
	return a
}

// refusing answers every request whose path ends in suffix with a 403 of
// reason, as the Directory does when a quota is spent.
type refusing struct{ suffix, reason string }

func (f refusing) RoundTrip(r *http.Request) (*http.Response, error) {
	if !strings.HasSuffix(r.URL.Path, f.suffix) {
		return http.DefaultTransport.RoundTrip(r)
	}
	body := `{"error":{"code":403,"message":"` + f.reason + `","errors":[{"reason":"` + f.reason + `","message":"` + f.reason + `"}]}}`
	if f.suffix == "/token" {
		body = `{"error":"` + f.reason + `","error_description":"Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested."}`
	}
	return &http.Response{StatusCode: 403, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
}

// R3c cancels only on the Directory's answer about the requester: a quota
// refusal or a delegation without the scope at the hold's end fails the
// step visibly (so Cloud Tasks retries it) and cancels nothing.
func TestDirectoryErrorAtHoldEndDoesNotCancel(t *testing.T) {
	for _, f := range []refusing{{"", "quotaExceeded"}, {"/token", "unauthorized_client"}} {
		t.Run(f.reason, func(t *testing.T) {
			opts := synth.Tiny(33)
			r := newRig(t, opts)
			e := r.start(0)
			if f.suffix == "" {
				f.suffix = "/users/" + r.org.Users()[0].Email
			}
			_, failing := r.serveVia(opts, f)
			r.now = e.HoldEnd
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			body, _ := json.Marshal(export.BeginTask{CustomerID: e.CustomerID, ExportID: e.ID})
			req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/", strings.NewReader(string(body)))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			r.handler(failing).ServeHTTP(rec, req)
			if rec.Code < 500 {
				t.Errorf("begin with the Directory refusing (%s): %d %s; want a 5xx so it is retried", f.reason, rec.Code, rec.Body)
			}
			got := r.export(e)
			if got.State != export.OnHold || len(r.rec.accountTasks()) != 0 {
				t.Errorf("export %s with %d account tasks; want it still ON_HOLD", got.State, len(r.rec.accountTasks()))
			}
			msgs, _ := r.mail.Messages()
			if len(msgs) != 1 {
				t.Errorf("%d emails; want only the hold notice, no cancellation", len(msgs))
			}
		})
	}
}
