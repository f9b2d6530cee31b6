package delegation

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	admin "google.golang.org/api/admin/directory/v1"
	"google.golang.org/api/calendar/v3"
	"google.golang.org/api/drive/v3"
	"google.golang.org/api/gmail/v1"
	"google.golang.org/api/option"
	"google.golang.org/api/people/v1"

	"github.com/orgexport/orgexport/shared/config"
	"github.com/orgexport/orgexport/shared/pacer"
	"github.com/orgexport/orgexport/shared/quota"
)

// API names, the second half of a pacer's (subject, API) key.
const (
	APIDirectory = "directory"
	APIGmail     = "gmail"
	APIDrive     = "drive"
	APICalendar  = "calendar"
	APIPeople    = "people"
	apiToken     = "oauth2"
)

// Options are the optional parts of a Factory. The zero value means
// production defaults.
type Options struct {
	// Signer signs delegation assertions. Nil means IAM Credentials signJwt
	// for cfg.DelegationServiceAccount, at cfg.Endpoint when that is set
	// (the emulator), else at Google with Application Default Credentials.
	Signer Signer
	// TokenURL is the OAuth token endpoint. Empty means Google's, or
	// cfg.Endpoint + "/token" when cfg.Endpoint is set.
	TokenURL string
	// Transport carries every request (default http.DefaultTransport).
	Transport http.RoundTripper
	// Pacer tunes the retries of every (subject, API) pair.
	Pacer pacer.Options
	// Quotas are the quotas each pair's calls are paced under, before
	// they are sent (the functions pass quota.Default, shared/wire); nil
	// paces nothing, only retries what Google refuses. Pacer.Limits, when
	// set, wins.
	Quotas *quota.Table
	// Now is the clock for token lifetimes (default time.Now).
	Now func() time.Time
	// Logger receives retry lines (default: discard).
	Logger *slog.Logger
}

// Factory makes API clients that act as a given user through domain-wide
// delegation. A subject's token asks for every scope (Scopes), or, once
// Google refuses that, each API's for that API's scopes only (ScopesFor);
// tokens are cached per subject and scope set, and each (subject, API)
// pair has its own pacer. It is safe for concurrent use.
type Factory struct {
	ctx     context.Context // for minting tokens, outliving any one call
	cfg     config.Workspace
	opts    Options
	pacers  *pacer.Set
	refused *refusals

	mu      sync.Mutex
	sources map[string]oauth2.TokenSource
}

// New returns a Factory for cfg. ctx is used for the token sources.
func New(ctx context.Context, cfg config.Workspace, opts Options) (*Factory, error) {
	if cfg.DelegationServiceAccount == "" {
		return nil, errors.New("workspace: no delegation service account configured")
	}
	cfg.Endpoint = strings.TrimSuffix(cfg.Endpoint, "/")
	if opts.Transport == nil {
		opts.Transport = http.DefaultTransport
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	opts.Pacer.Logger = opts.Logger
	if opts.Pacer.Limits == nil && opts.Quotas != nil {
		opts.Pacer.Limits = Limits(opts.Quotas)
	}
	if opts.TokenURL == "" {
		opts.TokenURL = GoogleTokenURL
		if cfg.Endpoint != "" {
			opts.TokenURL = cfg.Endpoint + "/token"
		}
	}
	if opts.Signer == nil {
		var iamOpts []option.ClientOption
		if cfg.Endpoint != "" {
			iamOpts = append(iamOpts, option.WithEndpoint(cfg.Endpoint+"/"), option.WithoutAuthentication())
		}
		s, err := NewIAMSigner(ctx, cfg.DelegationServiceAccount, iamOpts...)
		if err != nil {
			return nil, fmt.Errorf("workspace: %w", err)
		}
		opts.Signer = s
	}
	return &Factory{ctx: context.WithoutCancel(ctx), cfg: cfg, opts: opts, pacers: pacer.NewSet(opts.Pacer),
		refused: &refusals{now: opts.Now, byScopes: map[string]refusal{}}, sources: map[string]oauth2.TokenSource{}}, nil
}

// tokenSource returns the cached token source of subject for api: the
// subject's token for every scope, or else the API's own (wholeOrAPI).
func (f *Factory) tokenSource(subject, api string) oauth2.TokenSource {
	scopes := ScopesFor(api)
	if len(scopes) == 0 {
		return failing{fmt.Errorf("%w for %s: no scopes are known for the API %q", pacer.ErrNoToken, subject, api)}
	}
	return wholeOrAPI{whole: f.source(subject, "all APIs", Scopes, true), api: f.source(subject, api, scopes, false)}
}

// source returns the cached token source of subject for scopes.
func (f *Factory) source(subject, api string, scopes []string, whole bool) oauth2.TokenSource {
	key := subject + " " + strings.Join(scopes, " ")
	f.mu.Lock()
	defer f.mu.Unlock()
	if ts, ok := f.sources[key]; ok {
		return ts
	}
	src := &delegatedSource{
		ctx:      f.ctx,
		signer:   f.opts.Signer,
		account:  f.cfg.DelegationServiceAccount,
		clientID: f.ClientID(),
		api:      api,
		subject:  subject,
		scopes:   scopes,
		tokenURL: f.opts.TokenURL,
		client:   &http.Client{Transport: f.pacers.For(subject, apiToken).Transport(f.opts.Transport)},
		now:      f.opts.Now,
		refused:  f.refused,
		whole:    whole,
	}
	ts := oauth2.ReuseTokenSource(nil, src)
	f.sources[key] = ts
	return ts
}

// ClientID names the delegation service account's OAuth client id as the
// Admin console asks for it: the configured id, or else a pointer to it.
func (f *Factory) ClientID() string {
	if f.cfg.DelegationClientID != "" {
		return f.cfg.DelegationClientID
	}
	return "(the unique id of " + f.cfg.DelegationServiceAccount + ")"
}

// failing is a token source that always fails.
type failing struct{ err error }

func (s failing) Token() (*oauth2.Token, error) { return nil, s.err }

// HTTPClient returns a client that acts as subject on api: requests carry
// the subject's token and go through the pair's pacer. Connectors use it
// for URLs the typed clients do not cover (Drive exportLinks, photos).
func (f *Factory) HTTPClient(ctx context.Context, subject, api string) *http.Client {
	// The pacer is outermost, so a call retried after a long pause takes
	// a fresh token.
	authed := &oauth2.Transport{Source: f.tokenSource(subject, api), Base: f.opts.Transport}
	return &http.Client{Transport: f.pacers.For(subject, api).Transport(authed)}
}

// options are the client options for an API whose Google base path has
// the given path after the host ("drive/v3/").
func (f *Factory) options(ctx context.Context, subject, api, path string) []option.ClientOption {
	opts := []option.ClientOption{option.WithHTTPClient(f.HTTPClient(ctx, subject, api))}
	if f.cfg.Endpoint != "" {
		opts = append(opts, option.WithEndpoint(f.cfg.Endpoint+"/"+path))
	}
	return opts
}

// Directory returns an Admin SDK Directory client acting as subject.
func (f *Factory) Directory(ctx context.Context, subject string) (*admin.Service, error) {
	return wrap(admin.NewService(ctx, f.options(ctx, subject, APIDirectory, "")...))
}

// Gmail returns a Gmail client acting as subject.
func (f *Factory) Gmail(ctx context.Context, subject string) (*gmail.Service, error) {
	return wrap(gmail.NewService(ctx, f.options(ctx, subject, APIGmail, "")...))
}

// Drive returns a Drive client acting as subject.
func (f *Factory) Drive(ctx context.Context, subject string) (*drive.Service, error) {
	return wrap(drive.NewService(ctx, f.options(ctx, subject, APIDrive, "drive/v3/")...))
}

// Calendar returns a Calendar client acting as subject.
func (f *Factory) Calendar(ctx context.Context, subject string) (*calendar.Service, error) {
	return wrap(calendar.NewService(ctx, f.options(ctx, subject, APICalendar, "calendar/v3/")...))
}

// People returns a People (contacts) client acting as subject.
func (f *Factory) People(ctx context.Context, subject string) (*people.Service, error) {
	return wrap(people.NewService(ctx, f.options(ctx, subject, APIPeople, "")...))
}

func wrap[T any](svc T, err error) (T, error) {
	if err != nil {
		return svc, fmt.Errorf("workspace client: %w", err)
	}
	return svc, nil
}

// CheckToken gets (or reuses) subject's token for api: nil when the
// delegation grants the API's scopes, a *ScopeError when it lacks one.
func (f *Factory) CheckToken(subject, api string) error {
	_, err := f.tokenSource(subject, api).Token()
	return err
}

// Uncached returns a Factory of the same configuration with no token and
// no refusal cached: the setup check asks Google afresh, so that a scope
// just added or removed shows at once.
func (f *Factory) Uncached() *Factory {
	return &Factory{ctx: f.ctx, cfg: f.cfg, opts: f.opts, pacers: f.pacers,
		refused: &refusals{now: f.opts.Now, byScopes: map[string]refusal{}}, sources: map[string]oauth2.TokenSource{}}
}
