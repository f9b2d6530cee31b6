package workspace

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/orgexport/orgexport/emulators/oidcissuer"
)

// The issuer's sign-in for installed apps (the orgexport command line): the
// OAuth 2.0 authorization-code flow with PKCE and a loopback redirect, as
// Google serves it to a client of type "Desktop app". The emulator's
// sign-in page asks which user to be instead of a password; everything
// else is checked as Google checks it: S256 code challenge, loopback
// redirect, single-use codes bound to the client, redirect and verifier,
// refresh tokens bound to the client. Any client id is accepted (Google
// accepts the ids of the project's clients) and a client secret is not
// checked.

// signIn is the flow's state, shared by every organisation's view.
type signIn struct {
	mu      sync.Mutex
	codes   map[string]authCode
	refresh map[string]refreshGrant

	signerOnce sync.Once
	signerKey  *rsa.PrivateKey
	signerErr  error
}

type authCode struct {
	clientID, redirect, challenge, email string
	expires                              time.Time
}

type refreshGrant struct{ clientID, email string }

func newSignIn() *signIn {
	return &signIn{codes: map[string]authCode{}, refresh: map[string]refreshGrant{}}
}

// codeLife is how long an authorization code can be exchanged.
const codeLife = 5 * time.Minute

func (s *Server) signInRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /oidc"+oidcissuer.DiscoveryPath, s.serveDiscovery)
	mux.HandleFunc("GET /oidc/auth", s.serveAuthorize)
	mux.HandleFunc("POST /oidc/auth", s.serveApprove)
	mux.HandleFunc("POST /oidc/token", s.serveCodeToken)
}

// state is the first organisation's sign-in state (requests without a
// bearer token are routed there, but any view may be asked).
func (s *Server) state() *signIn { return s.tenants[0].signIn }

// serveDiscovery is the issuer's discovery document with the endpoints of
// the code flow.
func (s *Server) serveDiscovery(w http.ResponseWriter, r *http.Request) {
	iss := s.issuer.URL()
	writeJSONStatus(w, http.StatusOK, obj{
		"issuer": iss, "jwks_uri": iss + oidcissuer.JWKSPath,
		"authorization_endpoint": iss + "/auth", "token_endpoint": iss + "/token",
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"response_types_supported":              []string{"code", "id_token"},
		"grant_types_supported":                 []string{"authorization_code", "refresh_token"},
		"code_challenge_methods_supported":      []string{"S256"},
		"subject_types_supported":               []string{"public"},
		"scopes_supported":                      []string{"openid", "email", "profile"},
		"claims_supported":                      []string{"aud", "email", "email_verified", "exp", "hd", "iat", "iss", "sub"},
	})
}

// authRequest is what the sign-in page carries from GET to POST.
type authRequest struct {
	ClientID, Redirect, State, Challenge, Hint, Error string
}

func parseAuthRequest(v url.Values) (authRequest, string) {
	a := authRequest{ClientID: v.Get("client_id"), Redirect: v.Get("redirect_uri"), State: v.Get("state"),
		Challenge: v.Get("code_challenge"), Hint: v.Get("login_hint")}
	switch {
	case a.ClientID == "":
		return a, "client_id is missing"
	case !loopback(a.Redirect):
		return a, "redirect_uri must be a loopback address (http://127.0.0.1:PORT/) for an installed app"
	case v.Get("response_type") != "code":
		return a, "response_type must be code"
	case a.Challenge == "" || v.Get("code_challenge_method") != "S256":
		return a, "PKCE is required: code_challenge with code_challenge_method=S256"
	case !strings.Contains(" "+v.Get("scope")+" ", " openid "):
		return a, "scope must include openid"
	}
	return a, ""
}

func loopback(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || u.User != nil || u.Fragment != "" {
		return false
	}
	host := u.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

var signInPage = template.Must(template.New("signin").Parse(`<!doctype html>
<html lang="en"><meta charset="utf-8"><title>Sign in — Workspace emulator</title>
<h1>Sign in to the Workspace emulator</h1>
<p>The application <code>{{.ClientID}}</code> asks for your identity (openid, email).</p>
{{if .Error}}<p role="alert">{{.Error}}</p>{{end}}
<form method="post" action="auth">
<label>Email of a user <input name="email" type="email" value="{{.Hint}}" required autofocus></label>
<input type="hidden" name="client_id" value="{{.ClientID}}">
<input type="hidden" name="redirect_uri" value="{{.Redirect}}">
<input type="hidden" name="state" value="{{.State}}">
<input type="hidden" name="code_challenge" value="{{.Challenge}}">
<button type="submit">Sign in</button>
</form>`))

// serveAuthorize shows the sign-in page.
func (s *Server) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	a, bad := parseAuthRequest(r.URL.Query())
	if bad != "" {
		http.Error(w, "invalid_request: "+bad, http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = signInPage.Execute(w, a)
}

// serveApprove signs the chosen user in and sends the browser back to the
// app's loopback address with a code.
func (s *Server) serveApprove(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f := r.PostForm
	f.Set("response_type", "code")
	f.Set("code_challenge_method", "S256")
	f.Set("scope", "openid")
	a, bad := parseAuthRequest(f)
	if bad != "" {
		http.Error(w, "invalid_request: "+bad, http.StatusBadRequest)
		return
	}
	email := strings.ToLower(strings.TrimSpace(f.Get("email")))
	if _, ok := s.userAnywhere(email); !ok {
		if _, op := s.operator(email); !op {
			a.Hint, a.Error = email, "There is no user "+email+" in the emulated organisations."
			w.WriteHeader(http.StatusUnauthorized)
			_ = signInPage.Execute(w, a)
			return
		}
	}
	code := randomToken()
	st := s.state()
	st.mu.Lock()
	st.codes[code] = authCode{clientID: a.ClientID, redirect: a.Redirect, challenge: a.Challenge, email: email, expires: s.now().Add(codeLife)}
	st.mu.Unlock()
	back, _ := url.Parse(a.Redirect)
	q := back.Query()
	q.Set("code", code)
	q.Set("state", a.State)
	back.RawQuery = q.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

// serveCodeToken is the token endpoint of the code flow: it exchanges a
// code (with its PKCE verifier) or a refresh token for an ID token.
func (s *Server) serveCodeToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, "invalid_request", err.Error())
		return
	}
	clientID := r.PostForm.Get("client_id")
	if id, _, ok := r.BasicAuth(); ok {
		clientID, _ = url.QueryUnescape(id)
	}
	var email, refresh string
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		c, desc := s.redeem(r.PostForm, clientID)
		if desc != "" {
			oauthError(w, "invalid_grant", desc)
			return
		}
		email, refresh = c.email, randomToken()
		st := s.state()
		st.mu.Lock()
		st.refresh[refresh] = refreshGrant{clientID: clientID, email: email}
		st.mu.Unlock()
	case "refresh_token":
		st := s.state()
		st.mu.Lock()
		g, ok := st.refresh[r.PostForm.Get("refresh_token")]
		st.mu.Unlock()
		if !ok || g.clientID != clientID {
			oauthError(w, "invalid_grant", "Token has been expired or revoked.")
			return
		}
		email = g.email
	default:
		oauthError(w, "unsupported_grant_type", "grant_type "+r.PostForm.Get("grant_type"))
		return
	}
	id, err := s.MintIDToken(email, clientID)
	if err != nil {
		oauthError(w, "invalid_grant", err.Error())
		return
	}
	life := time.Hour
	out := obj{"access_token": s.mintAccess(email, s.now().Add(life)), "token_type": "Bearer",
		"expires_in": int(life.Seconds()), "id_token": id, "scope": "openid email"}
	if refresh != "" {
		out["refresh_token"] = refresh
	}
	writeJSONStatus(w, http.StatusOK, out)
}

// redeem checks and spends an authorization code.
func (s *Server) redeem(f url.Values, clientID string) (authCode, string) {
	st := s.state()
	st.mu.Lock()
	c, ok := st.codes[f.Get("code")]
	delete(st.codes, f.Get("code")) // single use, even when refused
	st.mu.Unlock()
	sum := sha256.Sum256([]byte(f.Get("code_verifier")))
	switch {
	case !ok || s.now().After(c.expires):
		return c, "Malformed auth code."
	case c.clientID != clientID:
		return c, "The code was issued to another client."
	case c.redirect != f.Get("redirect_uri"):
		return c, "redirect_uri does not match the one the code was issued for."
	case base64.RawURLEncoding.EncodeToString(sum[:]) != c.challenge:
		return c, "Invalid code verifier."
	}
	return c, ""
}

func randomToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
