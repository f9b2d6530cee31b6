package auth_test

import (
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/oidcissuer"
	"github.com/orgexport/orgexport/shared/auth"
)

func issuer(t *testing.T) *oidcissuer.Issuer {
	t.Helper()
	srv := httptest.NewServer(nil)
	t.Cleanup(srv.Close)
	iss, err := oidcissuer.New(srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = iss.Handler()
	return iss
}

func request(tok string) *http.Request {
	r := httptest.NewRequest("POST", "/", nil)
	if tok != "" {
		r.Header.Set("Authorization", "Bearer "+tok)
	}
	return r
}

func TestRejectsBadTokens(t *testing.T) {
	iss, other := issuer(t), issuer(t)
	v, _ := auth.NewVerifier(iss.URL(), "console", auth.Options{})
	good, _ := iss.Mint(oidcissuer.Token{Subject: "1", Audience: "console", Email: "a@example.com"})
	expired, _ := iss.Mint(oidcissuer.Token{Subject: "1", Audience: "console", Email: "a@example.com", Lifetime: -time.Hour})
	wrongAud, _ := iss.Mint(oidcissuer.Token{Subject: "1", Audience: "other", Email: "a@example.com"})
	wrongIss, _ := other.Mint(oidcissuer.Token{Subject: "1", Audience: "console", Email: "a@example.com"})
	parts := strings.Split(good, ".")
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"iss":"`+iss.URL()+`","aud":"console","sub":"1","email":"root@example.com","exp":9999999999}`)) + "." + parts[2]
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "."

	if p, err := v.Verify(request(good)); err != nil || p.Email != "a@example.com" {
		t.Fatalf("good token: %+v, %v", p, err)
	}
	for name, tok := range map[string]string{"missing": "", "expired": expired, "wrong audience": wrongAud,
		"wrong issuer": wrongIss, "tampered": tampered, "alg none": none, "garbage": "x.y.z"} {
		_, err := v.Verify(request(tok))
		if !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("%s: %v, want unauthenticated", name, err)
		}
		if tok != "" && strings.Contains(err.Error(), tok) {
			t.Errorf("%s: the error echoes the token", name)
		}
	}
}

func TestServiceAccountsRestricted(t *testing.T) {
	iss := issuer(t)
	v, _ := auth.NewVerifier(iss.URL(), "https://begin.example.com", auth.Options{AllowedEmails: []string{"tasks@p.iam.gserviceaccount.com"}})
	ok, _ := iss.Mint(oidcissuer.Token{Subject: "1", Audience: "https://begin.example.com", Email: "tasks@p.iam.gserviceaccount.com"})
	other, _ := iss.Mint(oidcissuer.Token{Subject: "2", Audience: "https://begin.example.com", Email: "push@p.iam.gserviceaccount.com"})
	if _, err := v.Verify(request(ok)); err != nil {
		t.Errorf("expected service account refused: %v", err)
	}
	if _, err := v.Verify(request(other)); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("another service account's valid token: %v, want forbidden", err)
	}
}

func TestServiceVerifierNeedsACaller(t *testing.T) {
	for _, callers := range [][]string{nil, {}, {" ", ""}} {
		if _, err := auth.NewServiceVerifier("https://issuer.example", "https://f.example", callers, auth.Options{}); err == nil {
			t.Errorf("a service verifier was built with callers %q", callers)
		}
	}
	if _, err := auth.NewServiceVerifier("https://issuer.example", "https://f.example", []string{"a@x.iam.gserviceaccount.com"}, auth.Options{}); err != nil {
		t.Error(err)
	}
}
