package console

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/orgexport/orgexport/shared/auth"
)

// maxForm bounds what a console form may post.
const maxForm = 64 << 10

// signedIn wraps a page that needs a session. A state-changing request
// (POST) must also carry the session's CSRF token.
func (c *Console) signedIn(h func(http.ResponseWriter, *http.Request, session)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s, err := c.sessions.read(r)
		switch {
		case errors.Is(err, errNoSession) && r.Method == http.MethodGet && !strings.HasSuffix(r.URL.Path, "/live"):
			http.Redirect(w, r, base(r)+"/signin?return="+urlQuery(base(r)+strings.TrimPrefix(r.URL.Path, "/console")), http.StatusSeeOther)
			return
		case errors.Is(err, errNoSession):
			c.refuse(w, r, nil, pageSignedOut)
			return
		case err != nil:
			c.sessions.end(w, r)
			c.refuse(w, r, nil, pageExpired)
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxForm)
			if err := r.ParseForm(); err != nil || !validCSRF(r, s) {
				c.refuse(w, r, nil, pageCSRF)
				return
			}
		}
		h(w, r, s)
	}
}

// signIn starts the authorization-code flow with PKCE.
func (c *Console) signIn(w http.ResponseWriter, r *http.Request) {
	cfg, _, err := c.oauth(r.Context())
	if err != nil {
		c.refuse(w, r, err, pageServerError)
		return
	}
	ret := r.URL.Query().Get("return")
	if !strings.HasPrefix(ret, base(r)+"/") || strings.HasPrefix(ret, base(r)+"/signin") || strings.Contains(ret, "//") {
		ret = base(r) + "/"
	}
	p := pending{State: randomToken(), Nonce: randomToken(), Verifier: oauth2.GenerateVerifier(), Return: ret}
	if err := c.sessions.startSignIn(w, r, p); err != nil {
		c.refuse(w, r, err, pageServerError)
		return
	}
	http.Redirect(w, r, cfg.AuthCodeURL(p.State, oidc.Nonce(p.Nonce), oauth2.S256ChallengeOption(p.Verifier),
		oauth2.SetAuthURLParam("prompt", "select_account")), http.StatusSeeOther)
}

// callback finishes the sign-in: it checks the state, exchanges the code
// with the PKCE verifier, verifies the ID token and its nonce, and lets in
// only a super administrator of an organisation, as the API does.
func (c *Console) callback(w http.ResponseWriter, r *http.Request) {
	p, ok := c.sessions.finishSignIn(w, r)
	q := r.URL.Query()
	if !ok || subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(p.State)) != 1 {
		c.refuse(w, r, nil, pageSignInLost)
		return
	}
	if q.Get("error") != "" || q.Get("code") == "" {
		c.refuse(w, r, nil, pageSignInDeclined)
		return
	}
	cfg, verifier, err := c.oauth(r.Context())
	if err != nil {
		c.refuse(w, r, err, pageServerError)
		return
	}
	ctx := c.clientContext(r.Context())
	tok, err := cfg.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(p.Verifier))
	if err != nil {
		c.refuse(w, r, err, pageSignInLost)
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := verifier.Verify(ctx, raw)
	if err != nil || subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(p.Nonce)) != 1 {
		c.refuse(w, r, errors.Join(errors.New("ID token refused"), err), pageSignInLost)
		return
	}
	var claims struct {
		Email         string `json:"email"`
		EmailVerified *bool  `json:"email_verified"`
		HD            string `json:"hd"`
	}
	if err := idt.Claims(&claims); err != nil || claims.Email == "" || (claims.EmailVerified != nil && !*claims.EmailVerified) {
		c.refuse(w, r, nil, pageUnknownUser)
		return
	}
	who := auth.Principal{Subject: idt.Subject, Email: strings.ToLower(claims.Email), HostedDomain: strings.ToLower(claims.HD)}
	// The Directory decides, as for the API: only a super administrator
	// of the organisation of the token's hosted domain gets a session.
	if _, err := c.o.Control.List(r.Context(), who); err != nil {
		c.refuseAs(w, r, err, who)
		return
	}
	if err := c.sessions.start(w, r, who); err != nil {
		c.refuse(w, r, err, pageServerError)
		return
	}
	http.Redirect(w, r, p.Return, http.StatusSeeOther)
}

// signOut ends the session.
func (c *Console) signOut(w http.ResponseWriter, r *http.Request, _ session) {
	c.sessions.end(w, r)
	c.render(w, r, http.StatusOK, "signedout", page{Title: "Signed out"})
}
