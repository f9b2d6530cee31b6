package auth_test

import (
	"errors"
	"testing"

	"github.com/orgexport/orgexport/emulators/oidcissuer"
	"github.com/orgexport/orgexport/shared/auth"
)

// The command line's client id is accepted beside the console's, and no
// other audience is.
func TestSecondAudience(t *testing.T) {
	iss := issuer(t)
	v, _ := auth.NewVerifier(iss.URL(), "console", auth.Options{OtherAudiences: []string{"cli"}})
	for aud, ok := range map[string]bool{"console": true, "cli": true, "gcloud": false, "": false} {
		tok, _ := iss.Mint(oidcissuer.Token{Subject: "1", Audience: aud, Email: "a@example.com"})
		_, err := v.Verify(request(tok))
		if ok && err != nil {
			t.Errorf("audience %q refused: %v", aud, err)
		}
		if !ok && !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("audience %q: %v, want unauthenticated", aud, err)
		}
	}
}
