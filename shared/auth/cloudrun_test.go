package auth_test

import (
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/oidcissuer"
	"github.com/orgexport/orgexport/shared/auth"
)

const caller = "tasks@p.iam.gserviceaccount.com"

// stripped is tok as Cloud Run hands it on after verifying it.
func stripped(tok string) string {
	return tok[:strings.LastIndex(tok, ".")+1] + auth.SignatureRemoved
}

// forged is an unsigned token anyone can write, with the claims given.
func forged(claims string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc([]byte(claims)) + "." + auth.SignatureRemoved
}

// Behind Cloud Run IAM a token without its signature is accepted, with its
// issuer, audience, expiry and caller still checked; without that
// configuration the same token is refused.
func TestUnsignedTokensOnlyBehindIAM(t *testing.T) {
	iss := issuer(t)
	const aud = "https://begin.example"
	behind, err := auth.NewVerifier(iss.URL(), aud, auth.Options{AllowedEmails: []string{caller}, BehindCloudRunIAM: true})
	if err != nil {
		t.Fatal(err)
	}
	open, _ := auth.NewVerifier(iss.URL(), aud, auth.Options{AllowedEmails: []string{caller}})
	mint := func(tk oidcissuer.Token) string {
		s, err := iss.Mint(tk)
		if err != nil {
			t.Fatal(err)
		}
		return stripped(s)
	}
	good := mint(oidcissuer.Token{Subject: "1", Audience: aud, Email: caller})
	if p, err := behind.Verify(request(good)); err != nil || p.Email != caller {
		t.Fatalf("behind IAM, Cloud Run's token: %+v, %v", p, err)
	}
	if _, err := open.Verify(request(good)); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Errorf("not behind IAM, an unsigned token: %v, want unauthenticated", err)
	}
	exp := time.Now().Add(time.Hour).Unix()
	refused := map[string]struct {
		tok  string
		want error
	}{
		"expired":         {mint(oidcissuer.Token{Subject: "1", Audience: aud, Email: caller, Lifetime: -time.Minute}), auth.ErrUnauthenticated},
		"other audience":  {mint(oidcissuer.Token{Subject: "1", Audience: "https://other.example", Email: caller}), auth.ErrUnauthenticated},
		"other caller":    {mint(oidcissuer.Token{Subject: "2", Audience: aud, Email: "intruder@p.iam.gserviceaccount.com"}), auth.ErrForbidden},
		"other issuer":    {forged(`{"iss":"https://evil.example","aud":"` + aud + `","email":"` + caller + `","exp":` + itoa(exp) + `}`), auth.ErrUnauthenticated},
		"no expiry":       {forged(`{"iss":"` + iss.URL() + `","aud":"` + aud + `","email":"` + caller + `"}`), auth.ErrUnauthenticated},
		"unverified mail": {forged(`{"iss":"` + iss.URL() + `","aud":"` + aud + `","email":"` + caller + `","email_verified":false,"exp":` + itoa(exp) + `}`), auth.ErrUnauthenticated},
		"alg none":        {base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none"}`)) + good[strings.Index(good, "."):], auth.ErrUnauthenticated},
		"not base64":      {"%%%.%%%." + auth.SignatureRemoved, auth.ErrUnauthenticated},
	}
	for name, c := range refused {
		if _, err := behind.Verify(request(c.tok)); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", name, err, c.want)
		}
	}
	// A signed token is still verified in full behind IAM.
	signed, _ := iss.Mint(oidcissuer.Token{Subject: "1", Audience: aud, Email: caller})
	if _, err := behind.Verify(request(signed)); err != nil {
		t.Errorf("behind IAM, a signed token: %v", err)
	}
	tampered := signed[:strings.LastIndex(signed, ".")+1] + "AAAA"
	if _, err := behind.Verify(request(tampered)); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Errorf("behind IAM, a badly signed token: %v", err)
	}
}

// Cloud Run checks X-Serverless-Authorization when present and leaves
// Authorization alone: behind IAM the code reads the same header, so the
// token it trusts is the one Cloud Run verified.
func TestServerlessAuthorizationWins(t *testing.T) {
	iss := issuer(t)
	const aud = "https://begin.example"
	v, _ := auth.NewVerifier(iss.URL(), aud, auth.Options{AllowedEmails: []string{caller}, BehindCloudRunIAM: true})
	good, _ := iss.Mint(oidcissuer.Token{Subject: "1", Audience: aud, Email: caller})
	other, _ := iss.Mint(oidcissuer.Token{Subject: "2", Audience: aud, Email: "intruder@p.iam.gserviceaccount.com"})

	r := request("application-token")
	r.Header.Set(auth.ServerlessAuthorization, "Bearer "+stripped(good))
	if _, err := v.Verify(r); err != nil {
		t.Errorf("X-Serverless-Authorization with Cloud Run's token, Authorization the app's: %v", err)
	}
	r = request(stripped(good))
	r.Header.Set(auth.ServerlessAuthorization, "Bearer "+stripped(other))
	if _, err := v.Verify(r); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("X-Serverless-Authorization of another caller: %v, want forbidden", err)
	}
	// A function open to allUsers ignores the header: Cloud Run checked nothing.
	open, _ := auth.NewVerifier(iss.URL(), aud, auth.Options{AllowedEmails: []string{caller}})
	r = request("")
	r.Header.Set(auth.ServerlessAuthorization, "Bearer "+good)
	if _, err := open.Verify(r); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Errorf("not behind IAM, only X-Serverless-Authorization: %v, want unauthenticated", err)
	}
}

func TestBehindIAMNeedsItsCallers(t *testing.T) {
	if _, err := auth.NewVerifier("https://issuer.example", "https://begin.example", auth.Options{BehindCloudRunIAM: true}); err == nil {
		t.Error("a verifier behind IAM without allowed callers was built")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
