package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
)

// ErrUnauthenticated is returned for a missing or invalid token. Its
// message says what was wrong without echoing the token.
var ErrUnauthenticated = errors.New("unauthenticated")

// ErrForbidden is returned for a valid token of a caller that may not call.
var ErrForbidden = errors.New("forbidden")

// Principal is who a verified token belongs to.
type Principal struct {
	Subject      string
	Email        string
	HostedDomain string // Google's "hd" claim: the Workspace domain
}

// Verifier checks ID tokens from one issuer for one audience.
type Verifier struct {
	issuer, audience string
	allowed          []string // service account emails; empty: any verified email
	behindIAM        bool     // Cloud Run IAM admits only the allowed callers
	audiences        []string // every accepted audience, the first one first
	now              func() time.Time
	client           *http.Client

	mu       sync.Mutex
	verifier *oidc.IDTokenVerifier
}

// Options tune a Verifier.
type Options struct {
	// AllowedEmails restricts tokens to these (service account) emails.
	AllowedEmails []string
	// Now is the clock for expiry checks; time.Now when nil.
	Now func() time.Time
	// HTTPClient fetches discovery and keys; http.DefaultClient when nil.
	HTTPClient *http.Client
	// BehindCloudRunIAM says the function is deployed so that Cloud Run IAM
	// admits only AllowedEmails (infra/invokers.tf): Cloud Run has verified
	// the token's signature and replaced it with SignatureRemoved, so such
	// a token is accepted after its issuer, audience, expiry and email are
	// checked. It requires AllowedEmails. Never set it for a function open
	// to allUsers: there an unsigned token is a forgery.
	BehindCloudRunIAM bool
	// OtherAudiences are accepted beside the audience (the command line's
	// OAuth client id beside the console's).
	OtherAudiences []string
}

// NewVerifier returns a verifier. It fetches the issuer's discovery
// document on first use, and again after a failure.
func NewVerifier(issuer, audience string, o Options) (*Verifier, error) {
	if issuer == "" || audience == "" {
		return nil, fmt.Errorf("auth: issuer and audience are required")
	}
	if o.BehindCloudRunIAM && len(o.AllowedEmails) == 0 {
		return nil, fmt.Errorf("auth: a function behind Cloud Run IAM needs the list of its allowed callers")
	}
	now := o.Now
	if now == nil {
		now = time.Now
	}
	lower := make([]string, len(o.AllowedEmails))
	for i, e := range o.AllowedEmails {
		lower[i] = strings.ToLower(e)
	}
	auds := append([]string{audience}, slices.DeleteFunc(slices.Clone(o.OtherAudiences), func(a string) bool { return a == "" })...)
	return &Verifier{issuer: issuer, audience: audience, audiences: auds, allowed: lower, behindIAM: o.BehindCloudRunIAM, now: now, client: o.HTTPClient}, nil
}

// NewServiceVerifier returns a verifier for a function that only services
// call (Cloud Tasks, Pub/Sub push, Cloud Scheduler): it fails closed, so it
// cannot be built without at least one allowed caller.
func NewServiceVerifier(issuer, audience string, callers []string, o Options) (*Verifier, error) {
	callers = slices.DeleteFunc(slices.Clone(callers), func(c string) bool { return strings.TrimSpace(c) == "" })
	if len(callers) == 0 {
		return nil, fmt.Errorf("auth: a service function needs at least one allowed caller; none is configured")
	}
	o.AllowedEmails = callers
	return NewVerifier(issuer, audience, o)
}

func (v *Verifier) idVerifier(ctx context.Context) (*oidc.IDTokenVerifier, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.verifier != nil {
		return v.verifier, nil
	}
	// The provider keeps this context to fetch keys again on rotation.
	pctx := context.WithoutCancel(ctx)
	if v.client != nil {
		pctx = oidc.ClientContext(pctx, v.client)
	}
	p, err := oidc.NewProvider(pctx, v.issuer)
	if err != nil {
		return nil, fmt.Errorf("auth: discover issuer %s: %w", v.issuer, err)
	}
	v.verifier = p.Verifier(&oidc.Config{
		ClientID:             v.audience,
		SkipClientIDCheck:    len(v.audiences) > 1, // checked in VerifyToken
		Now:                  v.now,
		SupportedSigningAlgs: []string{oidc.RS256},
	})
	return v.verifier, nil
}

// Verify checks the bearer token of r.
func (v *Verifier) Verify(r *http.Request) (Principal, error) {
	raw, ok := v.token(r)
	if !ok {
		return Principal{}, fmt.Errorf("%w: the request has no bearer token (Authorization: Bearer <ID token>)", ErrUnauthenticated)
	}
	return v.VerifyToken(r.Context(), raw)
}

// VerifyToken checks one raw ID token.
func (v *Verifier) VerifyToken(ctx context.Context, raw string) (Principal, error) {
	if unsigned(raw) {
		if !v.behindIAM {
			return Principal{}, fmt.Errorf("%w: the token is not signed; only a function behind Cloud Run IAM accepts that", ErrUnauthenticated)
		}
		return v.verifyBehindIAM(raw)
	}
	iv, err := v.idVerifier(ctx)
	if err != nil {
		return Principal{}, err
	}
	tok, err := iv.Verify(ctx, raw)
	if err != nil {
		return Principal{}, fmt.Errorf("%w: %s", ErrUnauthenticated, reason(err))
	}
	if !slices.ContainsFunc(tok.Audience, func(a string) bool { return slices.Contains(v.audiences, a) }) {
		return Principal{}, fmt.Errorf("%w: the token was issued for another audience", ErrUnauthenticated)
	}
	var c struct {
		Email         string `json:"email"`
		EmailVerified *bool  `json:"email_verified"`
		HD            string `json:"hd"`
	}
	if err := tok.Claims(&c); err != nil {
		return Principal{}, fmt.Errorf("%w: the token's claims cannot be read", ErrUnauthenticated)
	}
	if c.Email == "" || (c.EmailVerified != nil && !*c.EmailVerified) {
		return Principal{}, fmt.Errorf("%w: the token has no verified email", ErrUnauthenticated)
	}
	return v.admit(Principal{Subject: tok.Subject, Email: strings.ToLower(c.Email), HostedDomain: strings.ToLower(c.HD)})
}

// admit checks that a verified principal is one of the allowed callers.
func (v *Verifier) admit(p Principal) (Principal, error) {
	if len(v.allowed) > 0 && !slices.Contains(v.allowed, p.Email) {
		return Principal{}, fmt.Errorf("%w: %s may not call this function", ErrForbidden, p.Email)
	}
	return p, nil
}

func bearer(h string) (string, bool) {
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		return "", false
	}
	return strings.TrimSpace(tok), true
}

// reason turns go-oidc's error into a sentence that does not echo the token.
func reason(err error) string {
	var exp *oidc.TokenExpiredError
	msg := err.Error()
	switch {
	case errors.As(err, &exp):
		return "the token has expired; sign in again"
	case strings.Contains(msg, "audience"):
		return "the token was issued for another audience"
	case strings.Contains(msg, "issuer"):
		return "the token was issued by another issuer"
	case strings.Contains(msg, "signature"), strings.Contains(msg, "algorithm"), strings.Contains(msg, "malformed"), strings.Contains(msg, "jws"):
		return "the token is malformed or not correctly signed"
	}
	return "the token is not valid"
}
