package console_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/auth"
	"github.com/orgexport/orgexport/shared/blob"
	"github.com/orgexport/orgexport/shared/console"
	"github.com/orgexport/orgexport/shared/control"
	"github.com/orgexport/orgexport/shared/export"
)

const clientID, clientSecret = "orgexport-console", "s3cret-of-the-oauth-client"

// fakeControl answers as the control plane would for one organisation
// whose super administrators are listed in admins.
type fakeControl struct {
	mu      sync.Mutex
	admins  map[string]bool
	exports map[string]*export.Export
	starts  int
	cancels []string
	fail    error // every call fails with it, when set
	history []*export.Export
	// accounts are every export's account records.
	accounts []*export.Account
}

func (f *fakeControl) check(p auth.Principal) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case f.fail != nil:
		return f.fail
	case p.HostedDomain == "":
		return control.ErrUnknownUser
	case !f.admins[p.Email]:
		return control.ErrNotSuperAdmin
	}
	return nil
}

func (f *fakeControl) Checklist(_ context.Context, p auth.Principal) (control.Checklist, error) {
	if err := f.check(p); err != nil {
		return control.Checklist{}, err
	}
	rules := []control.Rule{{Rule: "R1a", Title: "super admin", Passed: true}, {Rule: "R1b", Title: "2SV", Passed: true},
		{Rule: "R1c", Title: "30 days", Passed: true}, {Rule: "R1d", Title: "users", Passed: true}}
	return control.Checklist{Org: control.Org{Domain: "example.com"}, Admin: p.Email, Rules: rules,
		SuperAdmins: []string{p.Email}, Hold: 48 * time.Hour}, nil
}

func (f *fakeControl) Start(_ context.Context, p auth.Principal, _ control.StartRequest) (*export.Export, error) {
	if err := f.check(p); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.starts++
	e := &export.Export{ID: "20261201-started", State: export.OnHold, RequestedBy: p.Email, RequestedAt: time.Now(), HoldEnd: time.Now().Add(48 * time.Hour)}
	f.exports[e.ID] = e
	return e, nil
}

func (f *fakeControl) Get(_ context.Context, p auth.Principal, id string) (*export.Export, error) {
	if err := f.check(p); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if e, ok := f.exports[id]; ok {
		return e, nil
	}
	return nil, export.ErrNotFound
}

func (f *fakeControl) List(ctx context.Context, p auth.Principal) ([]*export.Export, error) {
	if err := f.check(p); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.history, nil
}

func (f *fakeControl) Cancel(ctx context.Context, p auth.Principal, id, note string) (*export.Export, error) {
	e, err := f.Get(ctx, p, id)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cancels = append(f.cancels, note)
	e.State = export.Cancelled
	return e, nil
}

func (f *fakeControl) AuditLog(_ context.Context, p auth.Principal) ([]export.AuditEntry, error) {
	return nil, f.check(p)
}

func (f *fakeControl) Breakdown(ctx context.Context, p auth.Principal, id string) (*export.Export, export.Breakdown, error) {
	e, err := f.Get(ctx, p, id)
	var b export.Breakdown
	for _, a := range f.accounts {
		b.Add(a)
	}
	return e, b, err
}

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// site is a console over https (so its cookie is Secure) signing in
// against the Workspace emulator, with a browser-like client.
type site struct {
	t       *testing.T
	srv     *httptest.Server
	con     *console.Console
	ctl     *fakeControl
	clock   *clock
	ws      *workspace.Server
	client  *http.Client
	reports *blob.Memory
}

func newSite(t *testing.T) *site {
	t.Helper()
	org, err := synth.New(synth.Tiny(41))
	if err != nil {
		t.Fatal(err)
	}
	ws, err := workspace.Start(workspace.Config{Org: org, ClientSecrets: map[string]string{clientID: clientSecret}}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	s := &site{t: t, ctl: &fakeControl{admins: map[string]bool{org.Users()[0].Email: true}, exports: map[string]*export.Export{}},
		clock: &clock{t: time.Now()}, ws: ws, reports: blob.NewMemory()}
	s.srv = httptest.NewUnstartedServer(nil)
	s.srv.StartTLS()
	t.Cleanup(s.srv.Close)
	s.con, err = console.New(console.Options{Control: s.ctl, Reports: s.reports, Issuer: ws.IssuerURL(), ClientID: clientID,
		ClientSecret: clientSecret, URL: s.srv.URL + "/console", SessionKey: []byte(strings.Repeat("k", 32)),
		Bucket: "bucket", Now: s.clock.now, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	s.srv.Config.Handler = s.con
	s.client = s.newClient()
	return s
}

func (s *site) newClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	c := s.srv.Client()
	c.Jar = jar
	return c
}

type page struct {
	code   int
	header http.Header
	body   string
	url    *url.URL
}

func (s *site) do(c *http.Client, req *http.Request) page {
	s.t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return page{resp.StatusCode, resp.Header, string(b), resp.Request.URL}
}

func (s *site) get(path string) page {
	req, _ := http.NewRequest(http.MethodGet, s.srv.URL+path, nil)
	return s.do(s.client, req)
}

// post sends a form as the page's own forms do (same origin).
func (s *site) post(path string, form url.Values) page {
	req, _ := http.NewRequest(http.MethodPost, s.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", s.srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return s.do(s.client, req)
}

var hidden = regexp.MustCompile(`<input type="hidden" name="([a-z_]+)" value="([^"]*)">`)

// signIn goes to path, is sent to the emulator's sign-in page, picks email
// there, and returns the page the console shows after the callback.
func (s *site) signIn(path, email string) page {
	s.t.Helper()
	chooser := s.get(path)
	if chooser.url.Path != workspace.AuthorizePath || !strings.Contains(chooser.body, email) {
		s.t.Fatalf("GET %s did not lead to the sign-in page listing %s: %s %s", path, email, chooser.url, chooser.body)
	}
	form := url.Values{"login": {email}}
	for _, m := range hidden.FindAllStringSubmatch(chooser.body, -1) {
		form.Set(m[1], htmlUnescape(m[2]))
	}
	req, _ := http.NewRequest(http.MethodPost, s.ws.URL()+workspace.AuthorizePath, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return s.do(s.client, req)
}

func htmlUnescape(v string) string {
	return strings.NewReplacer("&amp;", "&", "&#43;", "+", "&#34;", `"`, "&#39;", "'", "&lt;", "<", "&gt;", ">").Replace(v)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrf(t *testing.T, p page) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no CSRF token on %s", p.url)
	}
	return m[1]
}

func (s *site) admin() string { return s.ws.Org().Users()[0].Email }

func TestSignInSetsAStrictSessionCookie(t *testing.T) {
	s := newSite(t)
	home := s.signIn("/console/", s.admin())
	if home.code != http.StatusOK || !strings.Contains(home.body, "Who may start an export") {
		t.Fatalf("after sign-in: %d %s", home.code, home.body)
	}
	u, _ := url.Parse(s.srv.URL)
	var session *http.Cookie
	for _, c := range s.client.Jar.Cookies(u) {
		if c.Name == "orgexport_session" {
			session = c
		}
	}
	if session == nil {
		t.Fatal("no session cookie")
	}
	// The jar hides the attributes: sign in again and read Set-Cookie.
	c := s.newClient()
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.URL.Path == "/console/" {
			return http.ErrUseLastResponse
		}
		return nil
	}
	s.client = c
	resp := s.signIn("/console/", s.admin())
	var set string
	for _, v := range resp.header.Values("Set-Cookie") {
		if strings.HasPrefix(v, "orgexport_session=") {
			set = v
		}
	}
	for _, must := range []string{"HttpOnly", "Secure", "SameSite=Lax", "Path=/", "Max-Age=28800"} {
		if !strings.Contains(set, must) {
			t.Errorf("session cookie %q lacks %s", set, must)
		}
	}
	if strings.Contains(set, s.admin()) {
		t.Error("the session cookie shows the email in clear")
	}
}

func TestSignInRefusesWhomTheDirectoryRefuses(t *testing.T) {
	s := newSite(t)
	user := s.ws.Org().Users()[4].Email
	p := s.signIn("/console/", user)
	if p.code != http.StatusForbidden || !strings.Contains(p.body, "Only super administrators can use the console") {
		t.Errorf("a user who is no admin: %d %s", p.code, p.body)
	}
	s.client = s.newClient()
	p = s.signIn("/console/", workspace.ConsumerAccount)
	if p.code != http.StatusForbidden || !strings.Contains(p.body, "This is a personal Google account") {
		t.Errorf("a personal account: %d %s", p.code, p.body)
	}
	// Neither got a session.
	if again := s.get("/console/history"); again.url.Path != workspace.AuthorizePath {
		t.Errorf("after a refused sign-in, /console/history is %s", again.url)
	}
}

func TestEveryRequestAsksTheDirectoryAgain(t *testing.T) {
	s := newSite(t)
	s.signIn("/console/", s.admin())
	s.ctl.mu.Lock()
	s.ctl.admins = map[string]bool{} // demoted in the Directory
	s.ctl.mu.Unlock()
	p := s.get("/console/history")
	if p.code != http.StatusForbidden || !strings.Contains(p.body, "Only super administrators") {
		t.Errorf("a demoted admin: %d %s", p.code, p.body)
	}
}

func TestStateChangingRequestsNeedTheCSRFTokenAndTheOrigin(t *testing.T) {
	s := newSite(t)
	confirm := func() page { s.signIn("/console/", s.admin()); return s.get("/console/start") }
	tok := csrf(t, confirm())
	other := "x" + tok[1:]
	if other == tok { // one token in 64 starts with x
		other = "y" + tok[1:]
	}
	for name, form := range map[string]url.Values{"no token": {}, "another token": {"csrf": {other}}} {
		p := s.post("/console/start", form)
		if p.code != http.StatusForbidden || !strings.Contains(p.body, "The form could not be accepted") {
			t.Errorf("%s: %d %s", name, p.code, p.body)
		}
	}
	// With the token, but sent by another site's page.
	req, _ := http.NewRequest(http.MethodPost, s.srv.URL+"/console/start", strings.NewReader(url.Values{"csrf": {tok}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://evil.example")
	if p := s.do(s.client, req); p.code != http.StatusForbidden {
		t.Errorf("cross-site POST with the token: %d", p.code)
	}
	if s.ctl.starts != 0 {
		t.Fatalf("%d exports started by refused requests", s.ctl.starts)
	}
	p := s.post("/console/start", url.Values{"csrf": {tok}})
	if p.code != http.StatusOK || p.url.Path != "/console/exports/20261201-started" || s.ctl.starts != 1 {
		t.Errorf("start with the token: %d at %s, %d starts", p.code, p.url, s.ctl.starts)
	}
}

func TestExpiredSessionIsAPageToActOn(t *testing.T) {
	s := newSite(t)
	s.signIn("/console/", s.admin())
	s.clock.add(console.SessionLifetime - time.Minute)
	if p := s.get("/console/history"); p.code != http.StatusOK {
		t.Fatalf("7h59m after sign-in: %d", p.code)
	}
	s.clock.add(time.Minute)
	c := s.client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	p := s.get("/console/history")
	if p.code != http.StatusUnauthorized || !strings.Contains(p.body, "Your session has expired") || !strings.Contains(p.body, `href="/console/signin"`) {
		t.Errorf("8h after sign-in: %d %s", p.code, p.body)
	}
}

func TestServerErrorsArePagesWithoutDetails(t *testing.T) {
	s := newSite(t)
	s.signIn("/console/", s.admin())
	s.ctl.mu.Lock()
	s.ctl.fail = errors.New(`firestore: rpc error: code = Unavailable desc = connection refused {"at":"store.go:42"}`)
	s.ctl.mu.Unlock()
	p := s.get("/console/")
	if p.code != http.StatusInternalServerError || !strings.Contains(p.body, "Something went wrong on our side") || !strings.Contains(p.body, "Reference:") {
		t.Errorf("server error page: %d %s", p.code, p.body)
	}
	for _, leak := range []string{"rpc error", "store.go", `{"`, "goroutine"} {
		if strings.Contains(p.body, leak) {
			t.Errorf("the error page shows %q", leak)
		}
	}
}

func TestPagesSendAStrictContentSecurityPolicy(t *testing.T) {
	s := newSite(t)
	s.signIn("/console/", s.admin())
	for _, path := range []string{"/console/", "/console/start", "/console/history", "/console/nowhere", "/console/exports/nope"} {
		p := s.get(path)
		csp := p.header.Get("Content-Security-Policy")
		for _, must := range []string{"default-src 'none'", "script-src 'self'", "frame-ancestors 'none'", "form-action 'self'"} {
			if !strings.Contains(csp, must) {
				t.Errorf("%s: CSP %q lacks %s", path, csp, must)
			}
		}
		if strings.Contains(csp, "unsafe") || strings.Contains(p.body, "<script>") || strings.Contains(p.body, " onclick=") {
			t.Errorf("%s: inline script allowed or present", path)
		}
	}
	e := &export.Export{ID: "20261201-done", State: export.Completed, Prefix: "C1/20261201-done/", CompletedAt: time.Now()}
	s.ctl.exports[e.ID] = e
	w := s.reports.NewWriter(context.Background(), e.Prefix+"report.html", "text/html")
	io.WriteString(w, "<!doctype html><title>Report</title><p>report of 20261201-done")
	w.Close()
	p := s.get("/console/exports/20261201-done/report")
	if p.code != http.StatusOK || !strings.HasPrefix(p.header.Get("Content-Security-Policy"), "sandbox") || !strings.Contains(p.body, "report of 20261201-done") {
		t.Errorf("report: %d CSP %q", p.code, p.header.Get("Content-Security-Policy"))
	}
	if p := s.get("/console/exports/20261201-other/report"); p.code != http.StatusNotFound || strings.Contains(p.body, "report of") {
		t.Errorf("another export's report: %d", p.code)
	}
	// The report's relative links to parts lead to the downloads.
	if p := s.get("/console/exports/20261201-done/users/a@example.com/a-001.zip"); p.code != http.StatusNotFound ||
		!strings.Contains(p.body, `href="/console/exports/20261201-done"`) {
		t.Errorf("a part linked from the report: %d %s", p.code, p.body)
	}
}

func TestSessionAuthenticatesOnlyTheAPIsReads(t *testing.T) {
	s := newSite(t)
	s.signIn("/console/", s.admin())
	u, _ := url.Parse(s.srv.URL)
	cookies := s.client.Jar.Cookies(u)
	req := func(method, authz string) *http.Request {
		r := httptest.NewRequest(method, s.srv.URL+"/exports", nil)
		for _, c := range cookies {
			r.AddCookie(c)
		}
		if authz != "" {
			r.Header.Set("Authorization", authz)
		}
		return r
	}
	if p, ok := s.con.Session(req(http.MethodGet, "")); !ok || p.Email != s.admin() || p.HostedDomain == "" {
		t.Errorf("GET with the session: %+v %v", p, ok)
	}
	for _, r := range []*http.Request{req(http.MethodPost, ""), req(http.MethodGet, "Bearer x")} {
		if _, ok := s.con.Session(r); ok {
			t.Errorf("%s with Authorization %q was signed in by the cookie", r.Method, r.Header.Get("Authorization"))
		}
	}
}

func TestSignInReturnsOnlyToTheConsole(t *testing.T) {
	s := newSite(t)
	p := s.signIn("/console/signin?return="+url.QueryEscape("https://evil.example/console/"), s.admin())
	if p.url.Host != strings.TrimPrefix(s.srv.URL, "https://") || p.url.Path != "/console/" {
		t.Errorf("after sign-in with a foreign return address: %s", p.url)
	}
	s.client = s.newClient()
	p = s.signIn("/console/history", s.admin())
	if p.url.Path != "/console/history" {
		t.Errorf("after sign-in from /console/history: %s", p.url)
	}
}

// Under cloudfunctions.net the deployment's path is /start-export, which
// the platform may or may not strip: links and redirects use the public
// URL either way.
func TestServedUnderAPrefix(t *testing.T) {
	con, err := console.New(console.Options{Control: &fakeControl{}, Reports: blob.NewMemory(), Issuer: "https://accounts.google.com",
		ClientID: clientID, URL: "https://us-central1-p.cloudfunctions.net/start-export/console", SessionKey: []byte(strings.Repeat("k", 32))})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/console/exports/x", "/start-export/console/exports/x"} {
		rec := httptest.NewRecorder()
		con.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if loc := rec.Header().Get("Location"); rec.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/start-export/console/signin?return=%2Fstart-export%2Fconsole%2Fexports%2Fx") {
			t.Errorf("GET %s signed out: %d to %q", path, rec.Code, loc)
		}
	}
	rec := httptest.NewRecorder()
	con.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if loc := rec.Header().Get("Location"); loc != "https://us-central1-p.cloudfunctions.net/start-export/console/" {
		t.Errorf("the root leads to %q", loc)
	}
}

func TestHistoryIsPagedNewestFirst(t *testing.T) {
	s := newSite(t)
	for i := range 25 {
		s.ctl.history = append(s.ctl.history, &export.Export{ID: fmt.Sprintf("20261201-e%02d", 25-i), State: export.Completed, RequestedBy: s.admin()})
	}
	s.signIn("/console/", s.admin())
	first := s.get("/console/history")
	if !strings.Contains(first.body, "20261201-e25") || strings.Contains(first.body, "20261201-e15") ||
		!strings.Contains(first.body, "Page 1 of 3 (25 in all)") || !strings.Contains(first.body, `href="/console/history?page=2" rel="next"`) {
		t.Errorf("first page:\n%s", first.body)
	}
	last := s.get("/console/history?page=3")
	if !strings.Contains(last.body, "20261201-e01") || strings.Contains(last.body, "20261201-e06") || strings.Contains(last.body, `rel="next"`) {
		t.Errorf("last page:\n%s", last.body)
	}
	if beyond := s.get("/console/history?page=99"); !strings.Contains(beyond.body, "Page 3 of 3") {
		t.Error("a page beyond the last is not the last")
	}
}

func (f *fakeControl) Estimate(_ context.Context, p auth.Principal) (export.Estimate, error) {
	if err := f.check(p); err != nil {
		return export.Estimate{}, err
	}
	return export.Estimate{Date: "2026-11-28", Users: 12, Bytes: 3 << 30, Parts: 14, Duration: 90 * time.Minute,
		Binding: "Gmail API: 6000 quota units per 1m0s per user"}, nil
}

// The confirmation says how big and how long the export will be, from
// the usage reports, and what limits it.
func TestConfirmationShowsTheEstimate(t *testing.T) {
	s := newSite(t)
	s.signIn("/console/", s.admin())
	p := s.get("/console/start")
	for _, want := range []string{"3.0 GiB", "14 zip parts", "2026-11-28", "1 hour 30 minutes", "Gmail API: 6000 quota units"} {
		if !strings.Contains(p.body, want) {
			t.Errorf("the confirmation does not say %q:\n%s", want, p.body)
		}
	}
}
