package workspace_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

// code signs in as email on the sign-in page (as its form posts) and
// returns the code the redirect carries.
func code(t *testing.T, ws *workspace.Server, cfg *oauth2.Config, email, verifier, nonce string) string {
	t.Helper()
	page, err := http.Get(cfg.AuthCodeURL("st", oauth2.S256ChallengeOption(verifier), oidc.Nonce(nonce)))
	if err != nil || page.StatusCode != http.StatusOK {
		t.Fatalf("sign-in page: %v %v", err, page.Status)
	}
	page.Body.Close()
	auth, _ := url.Parse(cfg.AuthCodeURL("st", oauth2.S256ChallengeOption(verifier), oidc.Nonce(nonce)))
	form := auth.Query()
	form.Set("login", email)
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(ws.URL()+workspace.AuthorizePath, form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || back.Query().Get("state") != "st" || back.Query().Get("code") == "" {
		t.Fatalf("after choosing %s: %s to %s", email, resp.Status, back)
	}
	return back.Query().Get("code")
}

func TestSignInCodeFlowWithPKCE(t *testing.T) {
	org, err := synth.New(synth.Tiny(51))
	if err != nil {
		t.Fatal(err)
	}
	ws, err := workspace.Start(workspace.Config{Org: org, ClientSecrets: map[string]string{"console": "right"}}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ctx := context.Background()
	p, err := oidc.NewProvider(ctx, ws.IssuerURL())
	if err != nil {
		t.Fatal(err)
	}
	cfg := &oauth2.Config{ClientID: "console", ClientSecret: "right", Endpoint: p.Endpoint(),
		RedirectURL: "https://console.example/console/callback", Scopes: []string{oidc.ScopeOpenID, "email"}}
	admin := org.Users()[0].Email
	v := oauth2.GenerateVerifier()

	c := code(t, ws, cfg, admin, v, "n-1")
	if _, err := cfg.Exchange(ctx, c, oauth2.VerifierOption(oauth2.GenerateVerifier())); err == nil || !strings.Contains(err.Error(), "invalid_grant") {
		t.Errorf("exchange with another verifier: %v", err)
	}
	if _, err := cfg.Exchange(ctx, c, oauth2.VerifierOption(v)); err == nil {
		t.Error("a code was exchanged twice (the failed exchange used it up)")
	}
	wrong := *cfg
	wrong.ClientSecret = "wrong"
	if _, err := wrong.Exchange(ctx, code(t, ws, cfg, admin, v, "n-2"), oauth2.VerifierOption(v)); err == nil || !strings.Contains(err.Error(), "invalid_client") {
		t.Errorf("exchange with a wrong client secret: %v", err)
	}
	tok, err := cfg.Exchange(ctx, code(t, ws, cfg, admin, v, "n-3"), oauth2.VerifierOption(v))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := p.Verifier(&oidc.Config{ClientID: "console"}).Verify(ctx, raw)
	if err != nil {
		t.Fatal(err)
	}
	var claims struct{ Email, HD string }
	_ = idt.Claims(&claims)
	if idt.Nonce != "n-3" || claims.Email != admin || claims.HD != org.Options().Domain {
		t.Errorf("ID token: nonce %q, email %q, hd %q", idt.Nonce, claims.Email, claims.HD)
	}
	// Without PKCE there is no sign-in page.
	resp, err := http.Get(cfg.AuthCodeURL("st"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("authorization request without PKCE: %s", resp.Status)
	}
}
