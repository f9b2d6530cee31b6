package workspace

import (
	"context"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"

	"github.com/orgexport/orgexport/emulators/oidcissuer"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

const (
	jwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer"
	// SubjectGrant is the emulator's own grant: a token for the subject
	// named by the sub parameter, no assertion needed.
	SubjectGrant   = "urn:orgexport:emulator:subject"
	serviceAccount = "orgexport-delegation@orgexport-local.iam.gserviceaccount.com"
	tokenPrefix    = "ya29.emu."
	// delegationClientID is the delegation account's unique id.
	delegationClientID = "100000000000000000001"
)

// ServiceAccountKey is a service account key file (JSON) whose token_uri is
// the emulator's /token. With google.JWTConfigFromJSON and Subject set, it
// yields tokens for that subject, as domain-wide delegation does.
func (s *Server) ServiceAccountKey() []byte {
	der, _ := x509.MarshalPKCS8PrivateKey(s.saKey)
	b, _ := json.Marshal(map[string]string{
		"type": "service_account", "project_id": "orgexport-local", "private_key_id": "emulator",
		"private_key":  string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		"client_email": serviceAccount, "client_id": delegationClientID,
		"token_uri": s.url + "/token", "auth_uri": s.url + "/auth",
	})
	return b
}

// TokenSource returns tokens for subject, fetched from /token with the
// JWT-bearer grant (the path production code takes).
func (s *Server) TokenSource(ctx context.Context, subject string) (oauth2.TokenSource, error) {
	cfg, err := google.JWTConfigFromJSON(s.ServiceAccountKey(), "https://www.googleapis.com/auth/cloud-platform")
	if err != nil {
		return nil, fmt.Errorf("workspace emulator: token source: %w", err)
	}
	cfg.Subject = subject
	return cfg.TokenSource(ctx), nil
}

// HTTPClient is an http.Client that sends subject's token.
func (s *Server) HTTPClient(ctx context.Context, subject string) (*http.Client, error) {
	ts, err := s.TokenSource(ctx, subject)
	if err != nil {
		return nil, err
	}
	return oauth2.NewClient(ctx, ts), nil
}

// serveToken is POST /token. A delegation assertion is granted only if the
// organisation of its subject authorises every scope it names for the
// client id (scopes.go); the token then carries exactly those scopes.
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, "invalid_request", err.Error())
		return
	}
	var sub string
	granted := allScopes
	switch r.Form.Get("grant_type") {
	case jwtBearerGrant:
		a, err := s.verifyAssertion(r.Form.Get("assertion"))
		if err != nil {
			oauthError(w, "invalid_grant", err.Error())
			return
		}
		sub = a.Subject
		if len(a.scopes) == 0 {
			oauthError(w, "invalid_scope", "Invalid OAuth scope or ID token audience provided.")
			return
		}
		if t, ok := s.tenantOf(sub); ok && len(t.unauthorisedScopes(a.scopes)) > 0 {
			unauthorizedClient(w)
			return
		}
		granted = scopeBits(a.scopes)
	case SubjectGrant, "":
		sub = r.Form.Get("sub")
	default:
		oauthError(w, "unsupported_grant_type", "grant_type "+r.Form.Get("grant_type"))
		return
	}
	u, ok := s.userAnywhere(sub)
	if !ok {
		oauthError(w, "invalid_grant", "Invalid email or User ID")
		return
	}
	life := time.Hour
	writeJSONStatus(w, http.StatusOK, obj{"access_token": s.mintAccess(u.Email, granted, s.now().Add(life)),
		"token_type": "Bearer", "expires_in": int(life.Seconds())})
}

func oauthError(w http.ResponseWriter, code, desc string) {
	writeJSONStatus(w, http.StatusBadRequest, obj{"error": code, "error_description": desc})
}

// assertion is what the token endpoint reads of a delegation assertion.
type assertion struct {
	Subject string
	scopes  []string
}

func (s *Server) verifyAssertion(signed string) (assertion, error) {
	tok, err := jwt.ParseSigned(signed, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		return assertion{}, fmt.Errorf("assertion: %w", err)
	}
	var c struct {
		jwt.Claims
		Scope string `json:"scope"`
	}
	if err := tok.Claims(&s.saKey.PublicKey, &c); err != nil {
		return assertion{}, fmt.Errorf("assertion signature: %w", err)
	}
	err = c.ValidateWithLeeway(jwt.Expected{Issuer: serviceAccount, AnyAudience: jwt.Audience(s.tokenAudiences()), Time: s.now()}, time.Minute)
	if err != nil {
		return assertion{}, fmt.Errorf("assertion claims: %w", err)
	}
	return assertion{Subject: c.Subject, scopes: requestedScopes(c.Scope)}, nil
}

// mintAccess makes "ya29.emu.<subject>.<expiry>.<scopes>.<mac>", scopes
// being the granted scopes' bit set (scopes.go) in hex.
func (s *Server) mintAccess(sub string, scopes uint64, exp time.Time) string {
	body := base64.RawURLEncoding.EncodeToString([]byte(sub)) + "." + strconv.FormatInt(exp.Unix(), 10) + "." +
		strconv.FormatUint(scopes, 16)
	return tokenPrefix + body + "." + s.mac(body)
}

func (s *Server) mac(body string) string {
	m := hmac.New(sha256.New, s.macKey)
	m.Write([]byte(body))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// subjectOf checks the bearer token and returns its user and scopes.
func (s *Server) subjectOf(r *http.Request) (synth.User, uint64, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return synth.User{}, 0, apiError{401, "required", "Request is missing required authentication credential."}
	}
	invalid := apiError{401, "authError", "Invalid Credentials"}
	sub, scopes, ok := s.accessSubject(h)
	if !ok {
		return synth.User{}, 0, invalid
	}
	u, ok := s.org.UserByEmail(sub)
	if !ok {
		return synth.User{}, 0, invalid
	}
	return u, scopes, nil
}

// accessSubject checks an Authorization header's access token (its MAC and
// expiry) and returns the subject and scopes it was issued for.
func (s *Server) accessSubject(h string) (string, uint64, bool) {
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		return "", 0, false
	}
	parts := strings.Split(strings.TrimPrefix(tok, tokenPrefix), ".")
	if !strings.HasPrefix(tok, tokenPrefix) || len(parts) != 4 ||
		!hmac.Equal([]byte(parts[3]), []byte(s.mac(parts[0]+"."+parts[1]+"."+parts[2]))) {
		return "", 0, false
	}
	exp, _ := strconv.ParseInt(parts[1], 10, 64)
	sub, _ := base64.RawURLEncoding.DecodeString(parts[0])
	scopes, _ := strconv.ParseUint(parts[2], 16, 64)
	if s.now().Unix() > exp {
		return "", 0, false
	}
	return string(sub), scopes, true
}

type subjectKey struct{}

// authed wraps a handler of api: it needs a valid token and finds its
// user, then lets through only what the token's scopes, the project and
// the organisation allow (admit).
func (s *Server) authed(api string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, scopes, err := s.subjectOf(r)
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="https://accounts.google.com/"`)
			writeError(w, err.(apiError))
			return
		}
		if s.admit(w, api, scopes) {
			return
		}
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), subjectKey{}, u)))
	})
}

func subject(r *http.Request) synth.User { return r.Context().Value(subjectKey{}).(synth.User) }

func requireAdmin(r *http.Request) error {
	if u := subject(r); !(u.Admin || u.DelegatedAdmin) || u.Suspended {
		return forbidden("Not Authorized to access this resource/api")
	}
	return nil
}

// MintIDToken signs an ID token for a user of any organisation served, or
// for one of the operator accounts (Config.Operators).
func (s *Server) MintIDToken(email, audience string) (string, error) {
	if t, ok := s.tenantOf(email); ok {
		if u, ok := t.org.UserByEmail(email); ok {
			return s.issuer.Mint(oidcToken(u, audience, t.org.Options().Domain))
		}
	}
	if op, ok := s.operator(email); ok {
		return s.issuer.Mint(oidcissuer.Token{Subject: "op-" + op, Audience: audience, Email: op, HostedDomain: domainOf(op)})
	}
	return "", fmt.Errorf("workspace emulator: mint ID token: no user %q", email)
}

func newSAKey() (*rsa.PrivateKey, error) { return rsa.GenerateKey(randReader, 2048) }
