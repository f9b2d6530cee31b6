package auth_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/oidcissuer"
	"github.com/orgexport/orgexport/shared/auth"
)

// FuzzVerifyToken feeds the verifier mutations of a valid token (and of
// the Authorization header around it). Whatever it accepts must carry the
// original identity: no change to a token makes it someone else's. What it
// refuses is refused as unauthenticated, and the error never echoes the
// token.
func FuzzVerifyToken(f *testing.F) {
	srv := httptest.NewServer(nil)
	f.Cleanup(srv.Close)
	iss, err := oidcissuer.New(srv.URL, nil)
	if err != nil {
		f.Fatal(err)
	}
	srv.Config.Handler = iss.Handler()
	v, err := auth.NewVerifier(iss.URL(), "console", auth.Options{})
	if err != nil {
		f.Fatal(err)
	}
	good, err := iss.Mint(oidcissuer.Token{Subject: "1", Audience: "console", Email: "a@example.com", HostedDomain: "example.com"})
	if err != nil {
		f.Fatal(err)
	}
	expired, _ := iss.Mint(oidcissuer.Token{Subject: "1", Audience: "console", Email: "a@example.com", Lifetime: -time.Hour})
	other, _ := iss.Mint(oidcissuer.Token{Subject: "2", Audience: "elsewhere", Email: "b@example.com"})
	parts := strings.Split(good, ".")
	for _, s := range []string{good, expired, other, "Bearer " + good, "bearer  " + good + " ", parts[0] + "." + parts[1] + ".",
		"eyJhbGciOiJub25lIn0." + parts[1] + ".", parts[0] + ".." + parts[2], "", "x.y.z", strings.Repeat("A", 5000)} {
		f.Add(s)
	}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, tok string) {
		for _, header := range []string{"Bearer " + tok, tok} {
			r := httptest.NewRequestWithContext(ctx, "POST", "/", nil)
			r.Header.Set("Authorization", header)
			p, err := v.Verify(r)
			if err == nil {
				if p.Email != "a@example.com" || p.Subject != "1" || p.HostedDomain != "example.com" {
					t.Fatalf("a changed token verified as %+v", p)
				}
				continue
			}
			if !errors.Is(err, auth.ErrUnauthenticated) {
				t.Fatalf("refused as %v, want unauthenticated", err)
			}
			if len(tok) > 16 && strings.Contains(err.Error(), tok) {
				t.Fatal("the error echoes the token")
			}
		}
	})
}
