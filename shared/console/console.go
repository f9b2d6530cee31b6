package console

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/orgexport/orgexport/shared/auth"
	"github.com/orgexport/orgexport/shared/control"
	"github.com/orgexport/orgexport/shared/export"
)

// Control is what the console needs of the control plane. Every method
// checks that the caller is a super administrator of their organisation.
type Control interface {
	Checklist(ctx context.Context, p auth.Principal) (control.Checklist, error)
	Start(ctx context.Context, p auth.Principal, body control.StartRequest) (*export.Export, error)
	Get(ctx context.Context, p auth.Principal, eid string) (*export.Export, error)
	List(ctx context.Context, p auth.Principal) ([]*export.Export, error)
	Cancel(ctx context.Context, p auth.Principal, eid, note string) (*export.Export, error)
	// RetryFailed asks for retry n of export eid (0: the next one); made
	// is false when that retry existed already (a form sent twice).
	RetryFailed(ctx context.Context, p auth.Principal, eid string, n int) (r *export.Export, made bool, err error)
	AuditLog(ctx context.Context, p auth.Principal) ([]export.AuditEntry, error)
	Breakdown(ctx context.Context, p auth.Principal, eid string) (*export.Export, export.Breakdown, error)
	// Estimate predicts the export from the usage reports
	// (export.ErrNoEstimate when there are none yet).
	Estimate(ctx context.Context, p auth.Principal) (export.Estimate, error)
}

var _ Control = (*control.Service)(nil)

// Reports reads report.html from the archive bucket.
type Reports interface {
	NewReader(ctx context.Context, name string) (io.ReadCloser, error)
}

// Options configure the console.
type Options struct {
	Control Control
	Reports Reports
	// Issuer, ClientID and ClientSecret are the OAuth client admins sign
	// in with; ClientSecret is empty for a public client.
	Issuer, ClientID, ClientSecret string
	// URL is the console's public base URL, e.g.
	// https://us-central1-p.cloudfunctions.net/start-export/console. The
	// redirect URI is URL + "/callback".
	URL string
	// SessionKey signs and encrypts the session cookie (≥ 32 bytes).
	SessionKey []byte
	// Bucket is the archive bucket, for gs:// paths and the download
	// command.
	Bucket string
	// Log receives server errors; discarded when nil.
	Log *slog.Logger
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// HTTPClient fetches the issuer's discovery document and exchanges
	// codes; http.DefaultClient when nil.
	HTTPClient *http.Client
}

// Console serves the admin console.
type Console struct {
	o Options
	// prefix is the path of the deployment in the public URL: "" locally,
	// "/start-export" under cloudfunctions.net. Links and cookies use it,
	// whether or not the platform strips it from requests.
	prefix   string
	secure   bool
	sessions *sessions
	mux      http.Handler
	log      *slog.Logger

	mu       sync.Mutex
	provider *oidc.Provider
}

// New checks the options and returns the console.
func New(o Options) (*Console, error) {
	u, err := url.Parse(o.URL)
	switch {
	case o.Control == nil || o.Reports == nil:
		return nil, errors.New("console: Control and Reports are required")
	case o.Issuer == "" || o.ClientID == "":
		return nil, errors.New("console: the issuer and the OAuth client id are required")
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return nil, fmt.Errorf("console: URL must be an absolute http(s) URL, got %q", o.URL)
	case !strings.HasSuffix(strings.TrimRight(u.Path, "/"), "/console"):
		return nil, fmt.Errorf("console: URL must end in /console, got %q", o.URL)
	case len(o.SessionKey) < 32:
		return nil, errors.New("console: the session key must have at least 32 bytes")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	o.URL = strings.TrimRight(o.URL, "/")
	c := &Console{o: o, prefix: strings.TrimSuffix(strings.TrimRight(u.Path, "/"), "/console"), secure: u.Scheme == "https", log: o.Log}
	if c.sessions, err = newSessions(o.SessionKey, c.secure, o.Now); err != nil {
		return nil, err
	}
	c.mux = c.routes()
	return c, nil
}

// split finds the console in a path, under whatever prefix the platform
// serves the function at: "/start-export/console/history" is prefix
// "/start-export" and route "/console/history".
func split(path string) (prefix, route string, ok bool) {
	i := strings.Index(path+"/", "/console/")
	if i < 0 {
		return "", "", false
	}
	return path[:i], path[i:], true
}

// Owns reports whether r is for the console: a path with a /console
// segment, or the deployment's root, which leads to the console's home.
func (c *Console) Owns(r *http.Request) bool {
	_, _, ok := split(r.URL.Path)
	return ok || r.URL.Path == "/" || r.URL.Path == ""
}

// Session returns the signed-in admin of a read-only API request made by
// the console's pages (GET or HEAD, no Authorization header, a valid session
// cookie). State-changing requests never authenticate with the cookie.
func (c *Console) Session(r *http.Request) (auth.Principal, bool) {
	if (r.Method != http.MethodGet && r.Method != http.MethodHead) || r.Header.Get("Authorization") != "" {
		return auth.Principal{}, false
	}
	s, err := c.sessions.read(r)
	if err != nil {
		return auth.Principal{}, false
	}
	return s.principal(), true
}

type prefixKey struct{}

// base is the console's public path: "/console" locally.
func base(r *http.Request) string {
	p, _ := r.Context().Value(prefixKey{}).(string)
	return p + "/console"
}

// apiBase is the path of the API beside the console.
func apiBase(r *http.Request) string {
	p, _ := r.Context().Value(prefixKey{}).(string)
	return p
}

func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	securityHeaders(w)
	_, route, ok := split(r.URL.Path)
	if !ok {
		http.Redirect(w, r, c.o.URL+"/", http.StatusFound)
		return
	}
	r2 := r.WithContext(context.WithValue(r.Context(), prefixKey{}, c.prefix))
	u := *r.URL
	u.Path, u.RawPath = route, ""
	r2.URL = &u
	c.mux.ServeHTTP(w, r2)
}

// securityHeaders are sent with every page: nothing loads from elsewhere,
// no inline script, no framing.
func securityHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "+
		"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
}

func (c *Console) routes() http.Handler {
	mux := http.NewServeMux()
	const b = "/console"
	mux.HandleFunc("GET "+b+"/{$}", c.signedIn(c.home))
	mux.HandleFunc("GET "+b, func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, base(r)+"/", http.StatusFound) })
	mux.HandleFunc("GET "+b+"/signin", c.signIn)
	mux.HandleFunc("GET "+b+"/callback", c.callback)
	mux.HandleFunc("POST "+b+"/signout", c.signedIn(c.signOut))
	mux.HandleFunc("GET "+b+"/start", c.signedIn(c.confirmStart))
	mux.HandleFunc("POST "+b+"/start", c.signedIn(c.start))
	mux.HandleFunc("GET "+b+"/exports/{id}", c.signedIn(c.exportPage))
	mux.HandleFunc("GET "+b+"/exports/{id}/live", c.signedIn(c.live))
	mux.HandleFunc("POST "+b+"/exports/{id}/cancel", c.signedIn(c.cancel))
	mux.HandleFunc("POST "+b+"/exports/{id}/retry", c.signedIn(c.retry))
	mux.HandleFunc("GET "+b+"/exports/{id}/report", c.signedIn(c.report))
	mux.HandleFunc("GET "+b+"/exports/{id}/{file...}", c.signedIn(c.reportLink))
	mux.HandleFunc("GET "+b+"/history", c.signedIn(c.history))
	mux.HandleFunc("GET "+b+"/audit", c.signedIn(c.audit))
	mux.Handle("GET "+b+"/static/", http.StripPrefix(b+"/static/", staticFiles()))
	mux.HandleFunc(b+"/", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodPost {
			w.Header().Set("Allow", "GET, POST")
			c.refuse(w, r, nil, pageNoMethod)
			return
		}
		c.refuse(w, r, nil, pageNotFound)
	})
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.refuse(w, r, nil, pageCSRF)
	}))
	return cop.Handler(mux)
}

// oauth returns the OAuth configuration and the ID token verifier, after
// reading the issuer's discovery document once.
func (c *Console) oauth(ctx context.Context) (*oauth2.Config, *oidc.IDTokenVerifier, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.provider == nil {
		p, err := oidc.NewProvider(c.clientContext(context.WithoutCancel(ctx)), c.o.Issuer)
		if err != nil {
			return nil, nil, fmt.Errorf("console: discover issuer %s: %w", c.o.Issuer, err)
		}
		c.provider = p
	}
	cfg := &oauth2.Config{ClientID: c.o.ClientID, ClientSecret: c.o.ClientSecret, Endpoint: c.provider.Endpoint(),
		RedirectURL: c.o.URL + "/callback", Scopes: []string{oidc.ScopeOpenID, "email", "profile"}}
	v := c.provider.Verifier(&oidc.Config{ClientID: c.o.ClientID, Now: c.o.Now, SupportedSigningAlgs: []string{oidc.RS256}})
	return cfg, v, nil
}

func (c *Console) clientContext(ctx context.Context) context.Context {
	if c.o.HTTPClient != nil {
		return oidc.ClientContext(ctx, c.o.HTTPClient)
	}
	return ctx
}
