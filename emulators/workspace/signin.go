package workspace

import (
	"cmp"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/orgexport/orgexport/emulators/oidcissuer"
)

// Sign-in as a web app does it, against the emulator's issuer: the
// authorization-code flow with PKCE (S256). GET /oidc/authorize shows a page
// listing every account the emulator serves to sign in as — no password, it
// is a local stand-in for Google's sign-in page — and POST /oidc/authorize
// redirects back with a one-time code; POST /oidc/token exchanges the code,
// checking the PKCE verifier, the redirect URI, the client and, for a client
// registered with a secret (Config.ClientSecrets), its secret.

// ConsumerAccount is a personal Google account, outside every organisation:
// its ID token has no "hd" claim. The sign-in page offers it so that the
// console's refusal of consumer accounts can be seen.
const ConsumerAccount = "someone.personal@gmail.com"

// Paths of the code flow, relative to the server's URL.
const (
	AuthorizePath = "/oidc/authorize"
	CodeTokenPath = "/oidc/token"
)

const codeLifetime = 5 * time.Minute

// signins holds the codes issued and not yet exchanged, shared by every
// organisation's view of the server.
type signins struct {
	mu      sync.Mutex
	codes   map[string]grant
	secrets map[string]string // client id → secret, for confidential clients
	// refresh holds the refresh tokens given to public clients (installed
	// apps such as the orgexport command line), bound to the client.
	refresh map[string]refreshGrant
}

type refreshGrant struct{ clientID, email string }

type grant struct {
	email, clientID, redirect, challenge, nonce string
	expires                                     time.Time
}

func newSignins(secrets map[string]string) *signins {
	return &signins{codes: map[string]grant{}, secrets: secrets, refresh: map[string]refreshGrant{}}
}

// authRequest is the authorization request's parameters, as the page
// carries them from GET to POST.
type authRequest struct {
	ClientID, RedirectURI, State, Nonce, Challenge, Scope string
}

func readAuthRequest(v url.Values) (authRequest, string) {
	a := authRequest{ClientID: v.Get("client_id"), RedirectURI: v.Get("redirect_uri"), State: v.Get("state"),
		Nonce: v.Get("nonce"), Challenge: v.Get("code_challenge"), Scope: v.Get("scope")}
	u, err := url.Parse(a.RedirectURI)
	switch {
	case v.Get("response_type") != "code":
		return a, "response_type must be code"
	case a.ClientID == "":
		return a, "client_id is missing"
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return a, "redirect_uri must be an absolute http(s) URL"
	case a.Challenge == "" || v.Get("code_challenge_method") != "S256":
		return a, "PKCE is required: code_challenge with code_challenge_method=S256"
	case !strings.Contains(" "+a.Scope+" ", " openid "):
		return a, "scope must include openid"
	}
	return a, ""
}

// account is one entry of the sign-in page.
type account struct{ Email, Name, Role string }

type accountGroup struct {
	Domain   string
	Accounts []account
}

func (s *Server) signInAccounts() []accountGroup {
	var out []accountGroup
	for _, t := range s.tenants {
		g := accountGroup{Domain: t.org.Options().Domain}
		for _, u := range t.org.Users() {
			role := "user"
			switch {
			case u.Admin:
				role = "super administrator"
			case u.DelegatedAdmin:
				role = "administrator"
			}
			if u.Suspended {
				role += ", suspended"
			}
			g.Accounts = append(g.Accounts, account{u.Email, u.FullName(), role})
		}
		out = append(out, g)
	}
	var others accountGroup
	others.Domain = "Outside every organisation"
	for _, op := range s.operators {
		others.Accounts = append(others.Accounts, account{op, "Support staff", "operator"})
	}
	others.Accounts = append(others.Accounts, account{ConsumerAccount, "A personal Google account", "no organisation"})
	return append(out, others)
}

var signInPage = template.Must(template.New("signin").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in – Workspace emulator</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1f1f1f}
h1{font-size:1.5rem}h2{font-size:1.1rem;margin-top:1.5rem}ul{list-style:none;padding:0}li{margin:.3rem 0}
button{font:inherit;padding:.35rem .8rem;border:1px solid #747775;border-radius:.3rem;background:#fff;cursor:pointer;text-align:left;width:100%}
button:hover,button:focus{background:#e8f0fe;outline:2px solid #0b57d0}.role{color:#444}</style></head>
<body><main><h1>Choose an account</h1>
<p>to continue to <strong>{{.Req.ClientID}}</strong>. This is the Workspace emulator's sign-in page: there is no password, pick the account to sign in as.</p>
<form method="post" action="authorize">
<input type="hidden" name="response_type" value="code"><input type="hidden" name="client_id" value="{{.Req.ClientID}}">
<input type="hidden" name="redirect_uri" value="{{.Req.RedirectURI}}"><input type="hidden" name="state" value="{{.Req.State}}">
<input type="hidden" name="nonce" value="{{.Req.Nonce}}"><input type="hidden" name="code_challenge" value="{{.Req.Challenge}}">
<input type="hidden" name="code_challenge_method" value="S256"><input type="hidden" name="scope" value="{{.Req.Scope}}">
{{range .Groups}}<h2>{{.Domain}}</h2><ul>{{range .Accounts}}
<li><button type="submit" name="login" value="{{.Email}}">{{.Name}} &lt;{{.Email}}&gt; <span class="role">— {{.Role}}</span></button></li>{{end}}</ul>
{{end}}</form></main></body></html>
`))

// serveAuthorize is GET and POST /oidc/authorize.
func (s *Server) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "invalid request", http.StatusBadRequest)
		return
	}
	req, problem := readAuthRequest(r.Form)
	if problem != "" {
		http.Error(w, "invalid authorization request: "+problem, http.StatusBadRequest)
		return
	}
	if r.Method == http.MethodGet {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' "+originOf(req.RedirectURI))
		_ = signInPage.Execute(w, map[string]any{"Req": req, "Groups": s.signInAccounts()})
		return
	}
	email := strings.ToLower(strings.TrimSpace(cmp.Or(r.PostForm.Get("login"), r.PostForm.Get("email"))))
	if _, ok := s.signInToken(email, req.ClientID, req.Nonce); !ok {
		http.Error(w, "no such account: "+email, http.StatusBadRequest)
		return
	}
	code := randomCode()
	s.signin.mu.Lock()
	now := s.now()
	for c, g := range s.signin.codes {
		if now.After(g.expires) {
			delete(s.signin.codes, c)
		}
	}
	s.signin.codes[code] = grant{email: email, clientID: req.ClientID, redirect: req.RedirectURI,
		challenge: req.Challenge, nonce: req.Nonce, expires: now.Add(codeLifetime)}
	s.signin.mu.Unlock()
	back, _ := url.Parse(req.RedirectURI)
	q := back.Query()
	q.Set("code", code)
	q.Set("state", req.State)
	back.RawQuery = q.Encode()
	http.Redirect(w, r, back.String(), http.StatusSeeOther)
}

func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

func randomCode() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// signInToken mints the ID token of a sign-in: a user of any organisation
// served, an operator, or the consumer account (no "hd").
func (s *Server) signInToken(email, clientID, nonce string) (string, bool) {
	var t oidcissuer.Token
	switch {
	case email == ConsumerAccount:
		t = oidcissuer.Token{Subject: "consumer-1", Audience: clientID, Email: email}
	default:
		if ten, ok := s.tenantOf(email); ok {
			if u, ok := ten.org.UserByEmail(email); ok {
				t = oidcToken(u, clientID, ten.org.Options().Domain)
				break
			}
		}
		op, ok := s.operator(email)
		if !ok {
			return "", false
		}
		t = oidcissuer.Token{Subject: "op-" + op, Audience: clientID, Email: op, HostedDomain: domainOf(op)}
	}
	if t.Extra == nil {
		t.Extra = map[string]any{}
	}
	if nonce != "" {
		t.Extra["nonce"] = nonce
	}
	tok, err := s.issuer.Mint(t)
	return tok, err == nil
}

// serveCodeToken is POST /oidc/token: the code exchange.
func (s *Server) serveCodeToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, "invalid_request", err.Error())
		return
	}
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
	case "refresh_token":
		s.serveRefresh(w, r)
		return
	default:
		oauthError(w, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token")
		return
	}
	clientID, secret, basic := r.BasicAuth()
	if !basic {
		clientID, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	} else {
		clientID, _ = url.QueryUnescape(clientID)
		secret, _ = url.QueryUnescape(secret)
	}
	code := r.PostForm.Get("code")
	s.signin.mu.Lock()
	g, ok := s.signin.codes[code]
	delete(s.signin.codes, code) // one use, whatever happens next
	want, confidential := s.signin.secrets[clientID]
	s.signin.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	challenge := base64.RawURLEncoding.EncodeToString(sum[:])
	switch {
	case confidential && subtle.ConstantTimeCompare([]byte(secret), []byte(want)) != 1:
		writeJSONStatus(w, http.StatusUnauthorized, obj{"error": "invalid_client", "error_description": "The OAuth client was not found or its secret is wrong."})
		return
	case !ok || s.now().After(g.expires):
		oauthError(w, "invalid_grant", "Malformed auth code.")
		return
	case g.clientID != clientID || g.redirect != r.PostForm.Get("redirect_uri"):
		oauthError(w, "invalid_grant", "The code was issued to another client or redirect_uri.")
		return
	case subtle.ConstantTimeCompare([]byte(challenge), []byte(g.challenge)) != 1:
		oauthError(w, "invalid_grant", "Invalid code verifier.")
		return
	}
	idToken, ok := s.signInToken(g.email, g.clientID, g.nonce)
	if !ok {
		oauthError(w, "invalid_grant", "The account no longer exists.")
		return
	}
	out := obj{"id_token": idToken}
	if !confidential {
		// An installed app keeps a refresh token (Google gives one with
		// access_type=offline; the emulator always does for public clients).
		rt := randomCode()
		s.signin.mu.Lock()
		s.signin.refresh[rt] = refreshGrant{clientID: clientID, email: g.email}
		s.signin.mu.Unlock()
		out["refresh_token"] = rt
	}
	s.writeTokens(w, g.email, out)
}

// serveRefresh exchanges a refresh token for a new ID token, for the
// client it was given to.
func (s *Server) serveRefresh(w http.ResponseWriter, r *http.Request) {
	clientID := r.PostForm.Get("client_id")
	if id, _, ok := r.BasicAuth(); ok {
		clientID, _ = url.QueryUnescape(id)
	}
	s.signin.mu.Lock()
	g, ok := s.signin.refresh[r.PostForm.Get("refresh_token")]
	s.signin.mu.Unlock()
	if !ok || g.clientID != clientID {
		oauthError(w, "invalid_grant", "Token has been expired or revoked.")
		return
	}
	idToken, ok := s.signInToken(g.email, clientID, "")
	if !ok {
		oauthError(w, "invalid_grant", "The account no longer exists.")
		return
	}
	s.writeTokens(w, g.email, obj{"id_token": idToken})
}

// writeTokens answers a token request with out and an access token.
func (s *Server) writeTokens(w http.ResponseWriter, email string, out obj) {
	life := time.Hour
	out["access_token"], out["token_type"] = s.mintAccess(email, 0, s.now().Add(life)), "Bearer" // the sign-in grants no Workspace API
	out["expires_in"], out["scope"] = int(life.Seconds()), "openid email profile"
	w.Header().Set("Cache-Control", "no-store")
	writeJSONStatus(w, http.StatusOK, out)
}
