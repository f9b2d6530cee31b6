package workspace_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	gmail "google.golang.org/api/gmail/v1"
	"google.golang.org/api/googleapi"
	iamcredentials "google.golang.org/api/iamcredentials/v1"
	"google.golang.org/api/option"

	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

// The keyless delegation path: IAM Credentials signs the assertion, /token
// exchanges it for a token for the subject, and Gmail serves that subject.
func TestKeylessDelegationThroughSignJwt(t *testing.T) {
	t.Parallel()
	s := start(t, synth.Tiny(1), workspace.Faults{})
	ctx := context.Background()
	iam, err := iamcredentials.NewService(ctx, option.WithEndpoint(s.URL()+"/"), option.WithoutAuthentication())
	if err != nil {
		t.Fatal(err)
	}
	user := s.Org().Users()[1].Email
	now := time.Now().Unix()
	claims := fmt.Sprintf(`{"iss":%q,"sub":%q,"aud":%q,"scope":"https://www.googleapis.com/auth/gmail.readonly","iat":%d,"exp":%d}`,
		s.DelegationAccount(), user, s.URL()+"/token", now, now+3600)
	signed, err := iam.Projects.ServiceAccounts.SignJwt("projects/-/serviceAccounts/"+s.DelegationAccount(),
		&iamcredentials.SignJwtRequest{Payload: claims}).Do()
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.PostForm(s.URL()+"/token", url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {signed.SignedJwt}})
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.NewDecoder(res.Body).Decode(&tok)
	res.Body.Close()
	if tok.AccessToken == "" {
		t.Fatalf("no token: %s", res.Status)
	}
	svc, _ := gmail.NewService(ctx, option.WithEndpoint(s.Endpoint("gmail")), option.WithHTTPClient(&http.Client{
		Transport: bearer(tok.AccessToken)}))
	prof, err := svc.Users.Messages.List("me").Do()
	if err != nil || len(prof.Messages) == 0 {
		t.Fatalf("mail of %s with the delegated token: %v", user, err)
	}
	_, err = iam.Projects.ServiceAccounts.SignJwt("projects/-/serviceAccounts/other@x.iam.gserviceaccount.com",
		&iamcredentials.SignJwtRequest{Payload: claims}).Do()
	var ge *googleapi.Error
	if !errors.As(err, &ge) || ge.Code != 403 {
		t.Errorf("signJwt for another account: %v, want 403", err)
	}
}

type bearer string

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+string(b))
	return http.DefaultTransport.RoundTrip(r)
}
