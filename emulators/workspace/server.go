package workspace

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/orgexport/orgexport/emulators/oidcissuer"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

var randReader = rand.Reader

// Config configures a Server.
type Config struct {
	Org    *synth.Org
	Faults Faults
	// Logger receives one line per fault injected; nil discards.
	Logger *slog.Logger
	// Now is the clock for token expiry; nil means time.Now. (The
	// organisation's data is fixed by its own Options.Now.)
	Now func() time.Time
	// Orgs are further organisations served beside Org, each on its own
	// domain. A request goes to the organisation of its token's subject,
	// as Google serves every customer from one endpoint (see tenants.go).
	Orgs []*synth.Org
	// Operators are accounts outside every organisation (support staff)
	// the OIDC issuer signs in.
	Operators []string
	// ClientSecrets are the OAuth clients with a secret (client id →
	// secret): their code exchanges must present it. Other clients are
	// public (PKCE only).
	ClientSecrets map[string]string
	// Quotas are the per-project and per-user rate quotas enforced per
	// API (quotas.go); none by default.
	Quotas map[string]Quota
}

// Server serves the emulated APIs on one listener.
type Server struct {
	org    *synth.Org
	log    *slog.Logger
	now    func() time.Time
	url    string
	ln     net.Listener
	http   *http.Server
	issuer *oidcissuer.Issuer
	faults *faultState
	saKey  *rsa.PrivateKey
	macKey []byte
	// userSorts are users.list's orderBy permutations.
	userSorts map[string][]int32
	// tenants are every organisation's view of the server, this one
	// first; operators are the accounts of Config.Operators.
	tenants   []*Server
	operators []string
	mux       http.Handler
	// vault is the organisation's Vault state (matters, exports, files).
	vault vaultState
	// aliases are proxies' URLs accepted as token audiences.
	aliases aliasSet
	// signin holds the sign-in codes, shared by every organisation's view.
	signin *signins
	// urlSigner is the key of the local URL-signer service account
	// (signblob.go), made on first use.
	urlSigner *lazyKey
	// quotas are the project's quota windows, shared by every view.
	quotas *quotaState
}

// Start listens on addr (host:port; port 0 picks one) and serves until
// Close.
func Start(cfg Config, addr string) (*Server, error) {
	if cfg.Org == nil {
		return nil, errors.New("workspace emulator: no organisation")
	}
	s := &Server{org: cfg.Org, log: cfg.Logger, now: cfg.Now, macKey: make([]byte, 32), userSorts: sortUsers(cfg.Org.Users())}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if _, err := rand.Read(s.macKey); err != nil {
		return nil, fmt.Errorf("workspace emulator: token key: %w", err)
	}
	key, err := newSAKey()
	if err != nil {
		return nil, fmt.Errorf("workspace emulator: service account key: %w", err)
	}
	s.saKey = key
	if err := cfg.Faults.validate(); err != nil {
		return nil, err
	}
	s.faults = newFaultState(cfg.Faults, cfg.Org.Options().Seed)
	if err := validateQuotas(cfg.Quotas); err != nil {
		return nil, err
	}
	s.quotas = newQuotaState(cfg.Quotas, s.now)
	if s.ln, err = net.Listen("tcp", addr); err != nil {
		return nil, fmt.Errorf("workspace emulator: listen: %w", err)
	}
	s.url = "http://" + s.ln.Addr().String()
	if s.issuer, err = oidcissuer.New(s.url+"/oidc", s.now); err != nil {
		s.ln.Close()
		return nil, fmt.Errorf("workspace emulator: %w", err)
	}
	s.issuer.SetEndpoints(s.url+AuthorizePath, s.url+CodeTokenPath)
	s.signin = newSignins(cfg.ClientSecrets)
	s.urlSigner = &lazyKey{}
	if err := s.addTenants(cfg); err != nil {
		s.ln.Close()
		return nil, err
	}
	s.http = &http.Server{Handler: http.HandlerFunc(s.dispatch), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.http.Serve(s.ln) }()
	return s, nil
}

// URL is the server's base URL, without a trailing slash.
func (s *Server) URL() string { return s.url }

// Org is the organisation served.
func (s *Server) Org() *synth.Org { return s.org }

// IssuerURL is the OIDC issuer's URL (discovery at
// IssuerURL()+"/.well-known/openid-configuration").
func (s *Server) IssuerURL() string { return s.issuer.URL() }

// Endpoint is what to pass to option.WithEndpoint for an API: "directory",
// "gmail", "drive", "calendar", "people", "tasks", "keep", "chat",
// "classroom", "groupssettings", "vault" or "storage" (Cloud Storage, for
// Vault's export files).
func (s *Server) Endpoint(api string) string {
	switch api {
	case "drive":
		return s.url + "/drive/v3/"
	case "calendar":
		return s.url + "/calendar/v3/"
	case "groupssettings":
		return s.url + "/groups/v1/groups/"
	case "storage":
		return s.url + "/storage/v1/"
	}
	return s.url + "/"
}

// Close stops the server, ending open requests. It does nothing on an
// organisation's view (Tenant).
func (s *Server) Close() error {
	if s.http == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := s.http.Shutdown(ctx); err != nil {
		return s.http.Close()
	}
	return nil
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", s.serveToken)
	mux.HandleFunc("POST /v1/projects/{project}/serviceAccounts/{account}", s.serveSignJwt)
	mux.Handle("/oidc/", http.StripPrefix("/oidc", s.issuer.Handler()))
	mux.HandleFunc("GET "+AuthorizePath, s.serveAuthorize)
	mux.HandleFunc("POST "+AuthorizePath, s.serveAuthorize)
	mux.HandleFunc("POST "+CodeTokenPath, s.serveCodeToken)
	api := func(name string, pattern string, h http.HandlerFunc) {
		inner := s.authed(name, checkParams(name, s.suspended(name, s.productsOff(name, s.quotaLimited(name, s.faulty(name, h))))))
		mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			inner.ServeHTTP(&shapedWriter{ResponseWriter: w, api: name}, r)
		}))
	}
	s.directoryRoutes(api)
	s.gmailRoutes(api)
	s.driveRoutes(api)
	s.calendarRoutes(api)
	s.peopleRoutes(api, mux)
	s.tasksRoutes(api)
	s.keepRoutes(api)
	s.groupsSettingsRoutes(api)
	s.chatRoutes(api)
	s.classroomRoutes(api)
	s.vaultRoutes(api)
	s.reportsRoutes(api)
	s.emulatorRoutes(mux)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, notFound("Not Found: "+r.Method+" "+r.URL.Path))
	})
	return mux
}

func oidcToken(u synth.User, audience, domain string) oidcissuer.Token {
	return oidcissuer.Token{Subject: u.ID, Audience: audience, Email: u.Email, HostedDomain: domain,
		Extra: map[string]any{"name": u.FullName()}}
}
