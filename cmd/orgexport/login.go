package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"os/exec"
	"runtime"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

const loginAbout = `
Signs in with a Google account in the browser (OAuth for a Desktop client,
loopback redirect, PKCE) and keeps the refresh token in the user's config
folder (orgexport/credentials.json, readable by the owner only), with the
API's URL. Later commands get short-lived ID tokens from it, for the
Desktop client id as audience: the API accepts that client id beside the
console's (ORGEXPORT_ADMIN_CLI_CLIENT_ID).

Locally, --issuer is the Workspace emulator's issuer (WORKSPACE/oidc), and
its sign-in page asks which user to be.`

// loginTimeout is how long login waits for the browser.
const loginTimeout = 5 * time.Minute

func runLogin(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "login", "[flags]", loginAbout)
	api := fs.String("api", "", "base URL of the admin API (StartExport) to save for later commands; default $ORGEXPORT_API")
	issuerFlag := fs.String("issuer", "", "OIDC issuer to sign in with; default $ORGEXPORT_ISSUER, then "+googleIssuer)
	clientFlag := fs.String("client-id", "", "OAuth client id (type Desktop app) to sign in with; default $ORGEXPORT_CLIENT_ID")
	secretFlag := fs.String("client-secret", "", "the Desktop client's secret (Google requires it; for installed apps it is not a secret); default $ORGEXPORT_CLIENT_SECRET")
	hint := fs.String("email", "", "email to suggest on the sign-in page")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	issuer := cmp.Or(*issuerFlag, e.getenv("ORGEXPORT_ISSUER"), googleIssuer)
	clientID := cmp.Or(*clientFlag, e.getenv("ORGEXPORT_CLIENT_ID"))
	if clientID == "" {
		return usageError("--client-id is required: the OAuth client id of type Desktop app configured for orgexport")
	}
	secret := cmp.Or(*secretFlag, e.getenv("ORGEXPORT_CLIENT_SECRET"))
	ctx, cancel := context.WithTimeout(ctx, loginTimeout)
	defer cancel()
	prov, err := oidc.NewProvider(ctx, issuer)
	if err != nil {
		return accessError(fmt.Errorf("discover %s: %w", issuer, err))
	}
	code, conf, verifier, err := authorize(ctx, e, prov, clientID, secret, *hint)
	if err != nil {
		return err
	}
	tok, err := conf.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		return accessError(fmt.Errorf("exchange the code: %w", err))
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := prov.Verifier(&oidc.Config{ClientID: clientID}).Verify(ctx, raw)
	if err != nil {
		return accessError(fmt.Errorf("the ID token: %w", err))
	}
	var claims struct {
		Email string `json:"email"`
	}
	_ = idt.Claims(&claims)
	if tok.RefreshToken == "" {
		return accessError(errors.New("the issuer returned no refresh token"))
	}
	path, err := saveCredentials(e, credentials{Issuer: issuer, TokenURL: prov.Endpoint().TokenURL, ClientID: clientID,
		ClientSecret: secret, RefreshToken: tok.RefreshToken, Email: claims.Email,
		API: cmp.Or(*api, e.getenv("ORGEXPORT_API"))})
	if err != nil {
		return accessError(fmt.Errorf("save the sign-in: %w", err))
	}
	fmt.Fprintf(e.stdout, "Signed in as %s; credentials in %s\n", claims.Email, path)
	return nil
}

// authorize sends the browser to the issuer and waits on a loopback port
// for the code.
func authorize(ctx context.Context, e *env, prov *oidc.Provider, clientID, secret, hint string) (string, *oauth2.Config, string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, "", accessError(err)
	}
	defer ln.Close()
	conf := &oauth2.Config{ClientID: clientID, ClientSecret: secret, Endpoint: prov.Endpoint(),
		RedirectURL: "http://" + ln.Addr().String() + "/", Scopes: []string{oidc.ScopeOpenID, "email"}}
	verifier, state := oauth2.GenerateVerifier(), randomHex(16)
	opts := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(verifier), oauth2.AccessTypeOffline,
		oauth2.SetAuthURLParam("prompt", "consent")}
	if hint != "" {
		opts = append(opts, oauth2.SetAuthURLParam("login_hint", hint))
	}
	authURL := conf.AuthCodeURL(state, opts...)
	type result struct {
		code string
		err  error
	}
	got := make(chan result, 1)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		var res result
		switch {
		case q.Get("state") != state:
			http.Error(w, "This sign-in is not the one orgexport started.", http.StatusBadRequest)
			return
		case q.Get("error") != "":
			res.err = accessError(fmt.Errorf("sign-in refused: %s %s", q.Get("error"), q.Get("error_description")))
		case q.Get("code") == "":
			res.err = accessError(errors.New("sign-in returned no code"))
		default:
			res.code = q.Get("code")
		}
		msg := "Signed in. You can close this tab and go back to the terminal."
		if res.err != nil {
			msg = res.err.Error()
		}
		fmt.Fprintf(w, "<!doctype html><title>orgexport</title><p>%s</p>", html.EscapeString(msg))
		select {
		case got <- res:
		default:
		}
	})}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	fmt.Fprintf(e.stderr, "Open this page to sign in (waiting %s):\n\n  %s\n\n", loginTimeout, authURL)
	if e.openBrowser != nil {
		if err := e.openBrowser(authURL); err != nil {
			fmt.Fprintf(e.stderr, "(could not open a browser: %v)\n", err)
		}
	}
	select {
	case <-ctx.Done():
		return "", nil, "", incomplete(fmt.Errorf("no sign-in within %s", loginTimeout))
	case r := <-got:
		return r.code, conf, verifier, r.err
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// openBrowser opens url in the desktop's browser.
func openBrowser(url string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", url)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		cmd = exec.Command("xdg-open", url)
	}
	return cmd.Start()
}
