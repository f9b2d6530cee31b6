package auth_test

import (
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/orgexport/orgexport/emulators/oidcissuer"
	"github.com/orgexport/orgexport/shared/auth"
)

// countingTransport counts the requests the verifier makes to the issuer.
type countingTransport struct{ n atomic.Int32 }

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}

// TestKeyRotation: keys are fetched once and cached; a token signed with a
// key published after that makes the verifier fetch the keys again, and
// verifies.
func TestKeyRotation(t *testing.T) {
	iss := issuer(t)
	ct := &countingTransport{}
	v, _ := auth.NewVerifier(iss.URL(), "console", auth.Options{HTTPClient: &http.Client{Transport: ct}})
	mint := func() string {
		tok, err := iss.Mint(oidcissuer.Token{Subject: "1", Audience: "console", Email: "a@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	first := mint()
	for range 3 {
		if _, err := v.Verify(request(first)); err != nil {
			t.Fatal(err)
		}
	}
	cached := ct.n.Load()
	if cached == 0 || cached > 2 {
		t.Fatalf("%d requests to the issuer for three verifications, want discovery and keys once", cached)
	}
	if err := iss.Rotate(); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(request(mint())); err != nil {
		t.Fatalf("a token signed with the new key: %v", err)
	}
	if ct.n.Load() == cached {
		t.Error("the new key verified without fetching the keys again")
	}
	if _, err := v.Verify(request(first)); err != nil {
		t.Errorf("a token of the earlier key, still published: %v", err)
	}
}
