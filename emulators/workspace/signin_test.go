package workspace_test

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

const loopbackURI = "http://127.0.0.1:9/"

// signInAs runs the browser's part: the sign-in page, then the form, and
// returns the code the issuer redirects back with.
func signInAs(t *testing.T, authURL, email string) (string, int) {
	t.Helper()
	resp, err := http.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", resp.StatusCode
	}
	u, _ := url.Parse(authURL)
	q := u.Query()
	form := url.Values{"email": {email}, "client_id": {q.Get("client_id")}, "redirect_uri": {q.Get("redirect_uri")},
		"state": {q.Get("state")}, "code_challenge": {q.Get("code_challenge")}}
	u.RawQuery = ""
	resp, err = noRedirect.PostForm(u.String(), form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		return "", resp.StatusCode
	}
	back, _ := url.Parse(resp.Header.Get("Location"))
	if !strings.HasPrefix(back.String(), q.Get("redirect_uri")) || back.Query().Get("state") != q.Get("state") {
		t.Fatalf("redirected to %s", back)
	}
	return back.Query().Get("code"), resp.StatusCode
}

func TestInstalledAppSignInWithPKCE(t *testing.T) {
	s := start(t, synth.Tiny(1), workspace.Faults{})
	ctx := context.Background()
	prov, err := oidc.NewProvider(ctx, s.IssuerURL())
	if err != nil {
		t.Fatal(err)
	}
	conf := oauth2.Config{ClientID: "cli-client", Endpoint: prov.Endpoint(), RedirectURL: loopbackURI, Scopes: []string{"openid", "email"}}
	verifier := oauth2.GenerateVerifier()
	authURL := conf.AuthCodeURL("st", oauth2.S256ChallengeOption(verifier))

	code, _ := signInAs(t, authURL, "admin@example.com")
	if _, err := conf.Exchange(ctx, code, oauth2.VerifierOption(oauth2.GenerateVerifier())); err == nil {
		t.Error("a code was exchanged with the wrong PKCE verifier")
	}
	if _, err := conf.Exchange(ctx, code, oauth2.VerifierOption(verifier)); err == nil {
		t.Error("a code was exchanged twice")
	}
	code, _ = signInAs(t, authURL, "admin@example.com")
	other := conf
	other.ClientID = "another-client"
	if _, err := other.Exchange(ctx, code, oauth2.VerifierOption(verifier)); err == nil {
		t.Error("a code was exchanged by another client")
	}
	code, _ = signInAs(t, authURL, "admin@example.com")
	tok, err := conf.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	idt, err := prov.Verifier(&oidc.Config{ClientID: "cli-client"}).Verify(ctx, tok.Extra("id_token").(string))
	if err != nil {
		t.Fatalf("ID token for the desktop client: %v", err)
	}
	var c struct{ Email string }
	if idt.Claims(&c); c.Email != "admin@example.com" || tok.RefreshToken == "" {
		t.Fatalf("email %q, refresh token %q", c.Email, tok.RefreshToken)
	}
	fresh, err := conf.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	if err != nil || fresh.Extra("id_token") == nil {
		t.Fatalf("refresh: %v", err)
	}
	if _, err := other.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token(); err == nil {
		t.Error("another client used the refresh token")
	}
	if _, status := signInAs(t, authURL, "stranger@nowhere.example"); status != http.StatusUnauthorized {
		t.Errorf("signing in as a stranger: %d", status)
	}
}

func TestSignInRefusesUnsafeRequests(t *testing.T) {
	s := start(t, synth.Tiny(1), workspace.Faults{})
	ok := url.Values{"client_id": {"c"}, "redirect_uri": {loopbackURI}, "response_type": {"code"}, "scope": {"openid email"},
		"code_challenge": {"abc"}, "code_challenge_method": {"S256"}, "state": {"s"}}
	for name, change := range map[string]func(url.Values){
		"no PKCE":          func(v url.Values) { v.Del("code_challenge") },
		"plain PKCE":       func(v url.Values) { v.Set("code_challenge_method", "plain") },
		"remote redirect":  func(v url.Values) { v.Set("redirect_uri", "https://evil.example/") },
		"no openid scope":  func(v url.Values) { v.Set("scope", "email") },
		"implicit flow":    func(v url.Values) { v.Set("response_type", "token") },
		"missing client":   func(v url.Values) { v.Del("client_id") },
		"redirect as user": func(v url.Values) { v.Set("redirect_uri", "http://me@127.0.0.1:9/") },
	} {
		v := url.Values{}
		for k, vs := range ok {
			v[k] = append([]string(nil), vs...)
		}
		change(v)
		resp, err := http.Get(s.IssuerURL() + "/auth?" + v.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", name, resp.StatusCode)
		}
	}
	resp, _ := http.Get(s.IssuerURL() + "/auth?" + ok.Encode())
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("a valid request: %d", resp.StatusCode)
	}
}

// signBlob signs as the URL signer with RSA SHA-256, verifiable with its
// public key; other accounts are refused.
func TestSignBlob(t *testing.T) {
	s := start(t, synth.Tiny(1), workspace.Faults{})
	payload := []byte("GOOG4-RSA-SHA256\n20240301T000000Z\n…")
	sign := func(account string) (*http.Response, []byte) {
		body, _ := json.Marshal(map[string]string{"payload": base64.StdEncoding.EncodeToString(payload)})
		resp, err := http.Post(s.URL()+"/v1/projects/-/serviceAccounts/"+account+":signBlob", "application/json", strings.NewReader(string(body)))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct{ SignedBlob string }
		_ = json.NewDecoder(resp.Body).Decode(&out)
		sig, _ := base64.StdEncoding.DecodeString(out.SignedBlob)
		return resp, sig
	}
	resp, sig := sign(s.URLSigner())
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("signBlob: %s", resp.Status)
	}
	key, err := s.URLSignerKey()
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(payload)
	if err := rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], sig); err != nil {
		t.Errorf("signature: %v", err)
	}
	if resp, _ := sign("someone-else@orgexport-local.iam.gserviceaccount.com"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("signBlob as another account: %s", resp.Status)
	}
}
