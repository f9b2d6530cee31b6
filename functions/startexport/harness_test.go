package startexport_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/smtpsink"
	"github.com/orgexport/orgexport/emulators/testenv"
	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/functions/startexport"
	"github.com/orgexport/orgexport/shared/auth"
	"github.com/orgexport/orgexport/shared/config"
	"github.com/orgexport/orgexport/shared/control"
	"github.com/orgexport/orgexport/shared/delegation"
	"github.com/orgexport/orgexport/shared/directory"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/notify"
	"github.com/orgexport/orgexport/shared/store"
)

func TestMain(m *testing.M) { os.Exit(testenv.Run(m, testenv.Firestore)) }

const audience = "orgexport-console"

// clock is the injected time of the control plane.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// tasks records the Cloud Tasks the control plane creates, by name, as
// Cloud Tasks keeps them: a second create of a name changes nothing.
type tasks struct {
	mu    sync.Mutex
	names []string
	byKey map[string]export.Task
}

func (q *tasks) Enqueue(_ context.Context, t export.Task) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.byKey == nil {
		q.byKey = map[string]export.Task{}
	}
	if _, ok := q.byKey[string(t.Queue)+"/"+t.Name]; !ok {
		q.names = append(q.names, string(t.Queue)+"/"+t.Name)
		q.byKey[string(t.Queue)+"/"+t.Name] = t
	}
	return nil
}

func (q *tasks) all() []export.Task {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := make([]export.Task, 0, len(q.names))
	for _, n := range q.names {
		out = append(out, q.byKey[n])
	}
	return out
}

// stack is one organisation served by the real StartExport handler: the
// Workspace emulator (Directory and sign-in), the Firestore emulator, an
// SMTP sink, and the injected clock.
type stack struct {
	t     *testing.T
	org   *synth.Org
	ws    *workspace.Server
	store *store.Store
	mail  *smtpsink.Sink
	tasks *tasks
	clock *clock
	svc   *control.Service
	url   string
}

// newStack serves opts's organisation; the clock starts at opts.Now. The
// Firestore emulator is reset for the test unless shared is given.
func newStack(t *testing.T, opts synth.Options, shared ...*stack) *stack {
	t.Helper()
	ctx := context.Background()
	org, err := synth.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ws, err := workspace.Start(workspace.Config{Org: org}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	s := &stack{t: t, org: org, ws: ws, tasks: &tasks{}, clock: &clock{t: opts.Now}}
	if len(shared) > 0 {
		s.store, s.mail = shared[0].store, shared[0].mail
	} else {
		testenv.Get(t)
		s.store, s.mail = openStore(t), startSink(t)
	}
	s.svc = s.service(ctx, ws)
	v, err := auth.NewVerifier(ws.IssuerURL(), audience, auth.Options{})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	srv := httptest.NewServer(&startexport.Handler{Service: s.svc, Verifier: v, Log: log, ArchiveURL: "https://storage.example/bucket"})
	t.Cleanup(srv.Close)
	s.url = srv.URL
	return s
}

func openStore(t *testing.T) *store.Store {
	st, err := store.New(context.Background(), os.Getenv(testenv.EnvProject))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func startSink(t *testing.T) *smtpsink.Sink {
	m, err := smtpsink.Start(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// service builds the control plane on the real adapters, with ws as the
// Directory.
func (s *stack) service(ctx context.Context, ws *workspace.Server) *control.Service {
	f, err := delegation.New(ctx, config.Workspace{Endpoint: ws.URL(), DelegationServiceAccount: ws.DelegationAccount()}, delegation.Options{})
	if err != nil {
		s.t.Fatal(err)
	}
	host, port, _ := net.SplitHostPort(s.mail.Addr())
	p, _ := strconv.Atoi(port)
	sender, err := notify.NewSender(config.Mail{Host: host, Port: p, TLS: "none", From: "orgexport@orgexport.example",
		ConsoleURL: "https://console.example", ArchiveURL: "https://storage.example/bucket"}, notify.Options{})
	if err != nil {
		s.t.Fatal(err)
	}
	return &control.Service{Store: s.store, Work: s.store, Directory: directory.New(f), Mail: &notify.Outbox{Mailer: &notify.Mailer{Sender: sender}, Store: s.store, Now: s.clock.Now},
		Tasks: s.tasks, Log: slog.New(slog.DiscardHandler), Now: s.clock.Now, Hold: 48 * time.Hour}
}

// user returns the email of the organisation's i-th user.
func (s *stack) user(i int) string { return s.org.Users()[i].Email }

func (s *stack) token(email string) string {
	s.t.Helper()
	tok, err := s.ws.MintIDToken(email, audience)
	if err != nil {
		s.t.Fatal(err)
	}
	return tok
}

// reply is an answer of the API.
type reply struct {
	Code     int
	Location string
	Body     []byte
}

func (r reply) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("answer %d is not JSON: %v: %s", r.Code, err, r.Body)
	}
}

// apiError is the error shape of the API.
type apiError struct {
	Error struct {
		Code    int              `json:"code"`
		Status  string           `json:"status"`
		Message string           `json:"message"`
		Details []map[string]any `json:"details"`
	} `json:"error"`
}

func (r reply) err(t *testing.T) apiError {
	t.Helper()
	var e apiError
	r.decode(t, &e)
	if e.Error.Code != r.Code || e.Error.Message == "" {
		t.Fatalf("answer %d has no proper error: %s", r.Code, r.Body)
	}
	return e
}

// call sends a request with a raw Authorization header value.
func (s *stack) call(method, path, authz, body string) reply {
	s.t.Helper()
	req, err := http.NewRequest(method, s.url+path, strings.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	return reply{Code: resp.StatusCode, Location: resp.Header.Get("Location"), Body: b}
}

// as calls the API as a user of the organisation.
func (s *stack) as(email, method, path, body string) reply {
	s.t.Helper()
	return s.call(method, path, "Bearer "+s.token(email), body)
}

// view is an export as the API shows it.
type view = startexport.View

// start asks for an export as email and wants 202.
func (s *stack) start(email string) view {
	s.t.Helper()
	r := s.as(email, http.MethodPost, "/exports", "{}")
	if r.Code != http.StatusAccepted {
		s.t.Fatalf("start as %s: %d %s", email, r.Code, r.Body)
	}
	var v view
	r.decode(s.t, &v)
	return v
}

func (s *stack) get(email, id string) view {
	s.t.Helper()
	r := s.as(email, http.MethodGet, "/exports/"+id, "")
	if r.Code != http.StatusOK {
		s.t.Fatalf("get %s as %s: %d %s", id, email, r.Code, r.Body)
	}
	var v view
	r.decode(s.t, &v)
	return v
}

// audit reads the audit log through the API.
func (s *stack) audit(email string) []export.AuditEntry {
	s.t.Helper()
	r := s.as(email, http.MethodGet, "/audit", "")
	if r.Code != http.StatusOK {
		s.t.Fatalf("audit as %s: %d %s", email, r.Code, r.Body)
	}
	var out struct {
		Entries []export.AuditEntry `json:"entries"`
	}
	r.decode(s.t, &out)
	return out.Entries
}

// messages returns the emails the sink received.
func (s *stack) messages() []smtpsink.Message {
	s.t.Helper()
	m, err := s.mail.Messages()
	if err != nil {
		s.t.Fatal(err)
	}
	return m
}

// superAdmins lists the organisation's active super administrators.
func (s *stack) superAdmins() []string {
	var out []string
	for _, u := range s.org.Users() {
		if u.Admin && !u.Suspended {
			out = append(out, u.Email)
		}
	}
	return out
}

// complete moves an export to COMPLETED at t, as report assembly does.
func (s *stack) complete(id string, t time.Time) {
	s.t.Helper()
	ctx := context.Background()
	cid := s.org.Customer().ID
	for _, st := range []export.State{export.Running, export.Assembling, export.Completed} {
		_, err := s.store.Update(ctx, cid, id, func(e *export.Export) ([]export.AuditEntry, error) {
			e.State = st
			if st == export.Completed {
				e.CompletedAt, e.Expires = t, export.Expires(t)
			}
			return nil, nil
		})
		if err != nil {
			s.t.Fatal(err)
		}
	}
}

const supportEmail = "support@orgexport.example"

// support is support staff's side of the control plane on the same clock.
func (s *stack) support() *control.Support {
	return &control.Support{Store: s.store, Staff: []string{supportEmail}, Now: s.clock.Now}
}

// grant has support enable the tool for the organisation for d (R14b).
func (s *stack) grant(d time.Duration) {
	s.t.Helper()
	_, err := s.support().GrantOverride(context.Background(), auth.Principal{Email: supportEmail, HostedDomain: "orgexport.example"},
		s.org.Customer().ID, s.clock.Now().Add(d), "TICKET-1")
	if err != nil {
		s.t.Fatal(err)
	}
}

// resetCooldown has support reset the organisation's 30 days (R14a).
func (s *stack) resetCooldown() {
	s.t.Helper()
	_, err := s.support().ResetCooldown(context.Background(), auth.Principal{Email: supportEmail, HostedDomain: "orgexport.example"}, s.org.Customer().ID, "TICKET-2")
	if err != nil {
		s.t.Fatal(err)
	}
}
