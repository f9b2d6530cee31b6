package frontdoor

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
)

// SignatureRemoved replaces the signature of a token Cloud Run verified.
const SignatureRemoved = "SIGNATURE_REMOVED_BY_GOOGLE"

// serverlessAuthorization is checked in preference to Authorization.
const serverlessAuthorization = "X-Serverless-Authorization"

// Public members: anyone may invoke.
const (
	AllUsers              = "allUsers"
	AllAuthenticatedUsers = "allAuthenticatedUsers"
)

// Service is one Cloud Run service behind the front door.
type Service struct {
	// Name is the service's name, for logs.
	Name string
	// Backend is the URL of the container (the function's process).
	Backend string
	// Invokers are the IAM members holding roles/run.invoker:
	// "allUsers", "allAuthenticatedUsers", "serviceAccount:EMAIL" or
	// "user:EMAIL".
	Invokers []string
	// CustomAudiences are accepted as token audiences besides the URL.
	CustomAudiences []string
}

// public reports whether the service lets every request through.
func (s Service) public() bool { return slices.Contains(s.Invokers, AllUsers) }

// Options configure the front door.
type Options struct {
	// Issuers are the issuer URLs trusted as Google's. Required for a
	// service that requires IAM.
	Issuers []string
	// HTTPClient fetches discovery documents and keys.
	HTTPClient *http.Client
	// Now is the clock for expiry; time.Now when nil.
	Now func() time.Time
}

// Door is the front door of one service, serving its URL.
type Door struct {
	svc   Service
	url   string
	opts  Options
	proxy *httputil.ReverseProxy

	mu        sync.Mutex
	verifiers map[string]*oidc.IDTokenVerifier
}

// New returns the front door of svc, reached at url.
func New(svc Service, url string, o Options) (*Door, error) {
	backend, err := parseURL(svc.Backend)
	if err != nil {
		return nil, fmt.Errorf("frontdoor %s: backend: %w", svc.Name, err)
	}
	if len(svc.Invokers) == 0 {
		return nil, fmt.Errorf("frontdoor %s: no invokers: nobody could call it", svc.Name)
	}
	if !svc.public() && len(o.Issuers) == 0 {
		return nil, fmt.Errorf("frontdoor %s: requires IAM but trusts no issuer", svc.Name)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	d := &Door{svc: svc, url: strings.TrimRight(url, "/"), opts: o, verifiers: map[string]*oidc.IDTokenVerifier{}}
	d.proxy = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(backend)
			pr.Out.Host = pr.In.Host
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			http.Error(w, "Service Unavailable: the container did not answer ("+err.Error()+")", http.StatusServiceUnavailable)
		},
	}
	return d, nil
}

func parseURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("not an absolute URL: %q", s)
	}
	return u, nil
}

// URL is the service's URL.
func (d *Door) URL() string { return d.url }

// ServeHTTP admits or refuses one request.
func (d *Door) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if d.svc.public() {
		d.proxy.ServeHTTP(w, r)
		return
	}
	header := "Authorization"
	if r.Header.Get(serverlessAuthorization) != "" {
		header = serverlessAuthorization
	}
	raw, ok := bearer(r.Header.Get(header))
	if !ok {
		http.Error(w, "Forbidden: your client does not have permission to get URL "+r.URL.Path+" from this server (no ID token).", http.StatusForbidden)
		return
	}
	email, err := d.verify(r.Context(), raw)
	if err != nil {
		http.Error(w, "Unauthorized: "+err.Error(), http.StatusUnauthorized)
		return
	}
	if !d.invoker(email) {
		http.Error(w, "Forbidden: "+email+" does not have roles/run.invoker on "+d.svc.Name+".", http.StatusForbidden)
		return
	}
	r = r.Clone(r.Context())
	r.Header.Set(header, "Bearer "+raw[:strings.LastIndex(raw, ".")+1]+SignatureRemoved)
	d.proxy.ServeHTTP(w, r)
}

func bearer(h string) (string, bool) {
	scheme, tok, ok := strings.Cut(h, " ")
	tok = strings.TrimSpace(tok)
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return "", false
	}
	return tok, true
}

// invoker reports whether the account holds roles/run.invoker.
func (d *Door) invoker(email string) bool {
	if slices.Contains(d.svc.Invokers, AllAuthenticatedUsers) {
		return true
	}
	kind := "user:"
	if strings.HasSuffix(email, ".gserviceaccount.com") {
		kind = "serviceAccount:"
	}
	return slices.ContainsFunc(d.svc.Invokers, func(m string) bool { return strings.EqualFold(m, kind+email) })
}

var errToken = errors.New("the ID token is not valid")

// verify checks raw and returns the account it was issued to.
func (d *Door) verify(ctx context.Context, raw string) (string, error) {
	iss, err := unverifiedIssuer(raw)
	if err != nil || !slices.Contains(d.opts.Issuers, iss) {
		return "", fmt.Errorf("%w: unknown issuer", errToken)
	}
	v, err := d.verifier(ctx, iss)
	if err != nil {
		return "", err
	}
	tok, err := v.Verify(ctx, raw)
	if err != nil {
		return "", fmt.Errorf("%w: %v", errToken, err)
	}
	if !slices.ContainsFunc(tok.Audience, func(a string) bool {
		return strings.TrimRight(a, "/") == d.url || slices.Contains(d.svc.CustomAudiences, a)
	}) {
		return "", fmt.Errorf("%w: the audience is neither the service URL nor a custom audience", errToken)
	}
	var c struct {
		Email string `json:"email"`
	}
	if err := tok.Claims(&c); err != nil || c.Email == "" {
		return "", fmt.Errorf("%w: no email", errToken)
	}
	return strings.ToLower(c.Email), nil
}

func unverifiedIssuer(raw string) (string, error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return "", errToken
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "", err
	}
	var c struct {
		Iss string `json:"iss"`
	}
	err = json.Unmarshal(b, &c)
	return c.Iss, err
}

func (d *Door) verifier(ctx context.Context, iss string) (*oidc.IDTokenVerifier, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if v, ok := d.verifiers[iss]; ok {
		return v, nil
	}
	pctx := context.WithoutCancel(ctx)
	if d.opts.HTTPClient != nil {
		pctx = oidc.ClientContext(pctx, d.opts.HTTPClient)
	}
	p, err := oidc.NewProvider(pctx, iss)
	if err != nil {
		return nil, fmt.Errorf("issuer %s: %w", iss, err)
	}
	v := p.Verifier(&oidc.Config{SkipClientIDCheck: true, SupportedSigningAlgs: []string{oidc.RS256}, Now: d.opts.Now})
	d.verifiers[iss] = v
	return v, nil
}

// Server is a front door listening on its own port.
type Server struct {
	*Door
	srv *http.Server
}

// Start serves the front door of svc on a free loopback port.
func Start(svc Service, o Options) (*Server, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	d, err := New(svc, "http://"+l.Addr().String(), o)
	if err != nil {
		l.Close()
		return nil, err
	}
	s := &Server{Door: d, srv: &http.Server{Handler: d, ReadHeaderTimeout: 10 * time.Second}}
	go func() { _ = s.srv.Serve(l) }()
	return s, nil
}

// Close stops serving.
func (s *Server) Close() error { return s.srv.Close() }
