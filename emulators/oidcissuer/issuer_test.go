package oidcissuer_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/orgexport/orgexport/emulators/oidcissuer"
)

// A maintained OIDC library verifies the tokens through discovery and JWKS,
// also after a key rotation.
func TestTokensVerifyWithGoOIDC(t *testing.T) {
	var iss *oidcissuer.Issuer
	srv := httptest.NewServer(nil)
	defer srv.Close()
	iss, err := oidcissuer.New(srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = iss.Handler()

	ctx := context.Background()
	prov, err := oidc.NewProvider(ctx, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	v := prov.Verifier(&oidc.Config{ClientID: "console"})
	old, _ := iss.Mint(oidcissuer.Token{Subject: "1", Audience: "console", Email: "a@example.com", HostedDomain: "example.com"})
	if err := iss.Rotate(); err != nil {
		t.Fatal(err)
	}
	fresh, _ := iss.Mint(oidcissuer.Token{Subject: "1", Audience: "console", Email: "a@example.com"})
	for _, tok := range []string{old, fresh} {
		idt, err := v.Verify(ctx, tok)
		if err != nil {
			t.Fatalf("verify: %v", err)
		}
		var c struct {
			Email string `json:"email"`
		}
		if err := idt.Claims(&c); err != nil || c.Email != "a@example.com" {
			t.Errorf("claims %+v, %v", c, err)
		}
	}
	wrongAud, _ := iss.Mint(oidcissuer.Token{Subject: "1", Audience: "other"})
	if _, err := v.Verify(ctx, wrongAud); err == nil {
		t.Error("token for another audience verified")
	}
}
