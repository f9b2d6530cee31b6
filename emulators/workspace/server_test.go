package workspace_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"

	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

func start(t *testing.T, opt synth.Options, faults workspace.Faults) *workspace.Server {
	t.Helper()
	org, err := synth.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	s, err := workspace.Start(workspace.Config{Org: org, Faults: faults}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// clientOpts are the options for a google.golang.org/api client acting as
// subject against api.
func clientOpts(t *testing.T, s *workspace.Server, api, subject string) []option.ClientOption {
	t.Helper()
	ts, err := s.TokenSource(context.Background(), subject)
	if err != nil {
		t.Fatal(err)
	}
	return []option.ClientOption{option.WithEndpoint(s.Endpoint(api)), option.WithTokenSource(ts)}
}

func wantAPIError(t *testing.T, err error, code int, reason string) {
	t.Helper()
	var ge *googleapi.Error
	if !errors.As(err, &ge) {
		t.Fatalf("err = %v, want googleapi error %d %s", err, code, reason)
	}
	if len(ge.Errors) == 0 { // a status-shaped API: the status stands for the reason
		var b errorBody
		_ = json.Unmarshal([]byte(ge.Body), &b)
		if ge.Code != code || b.Error.Status != statusOf[reason] {
			t.Fatalf("err = %d %s, want %d %s", ge.Code, b.Error.Status, code, statusOf[reason])
		}
		return
	}
	if ge.Code != code || ge.Errors[0].Reason != reason {
		t.Fatalf("err = %d %+v, want %d %s", ge.Code, ge.Errors, code, reason)
	}
}

// statusOf is the google.rpc status a status-shaped API sends where the
// others send the reason.
var statusOf = map[string]string{"notFound": "NOT_FOUND", "forbidden": "PERMISSION_DENIED",
	"badRequest": "INVALID_ARGUMENT", "rateLimitExceeded": "RESOURCE_EXHAUSTED"}

func TestUnauthenticatedRequestsGet401(t *testing.T) {
	t.Parallel()
	s := start(t, synth.Tiny(1), workspace.Faults{})
	for _, h := range []string{"", "Bearer nonsense", "Bearer ya29.emu.YWRtaW5AZXhhbXBsZS5jb20.9999999999.forged"} {
		req, _ := http.NewRequest("GET", s.URL()+"/gmail/v1/users/me/labels", nil)
		if h != "" {
			req.Header.Set("Authorization", h)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 401 {
			t.Errorf("Authorization %q: status %d, want 401", h, res.StatusCode)
		}
	}
}

func TestUnknownPathsAnswerInGoogleShape(t *testing.T) {
	t.Parallel()
	s := start(t, synth.Tiny(1), workspace.Faults{})
	hc, _ := s.HTTPClient(context.Background(), "admin@example.com")
	res, err := hc.Get(s.URL() + "/voice/v1/users/me/calls") // Voice has no API
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	err = googleapi.CheckResponse(res)
	wantAPIError(t, err, 404, "notFound")
}

func TestTokenEndpointRefusesUnknownSubject(t *testing.T) {
	t.Parallel()
	s := start(t, synth.Tiny(1), workspace.Faults{})
	ts, err := s.TokenSource(context.Background(), "nobody@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.Token(); err == nil {
		t.Fatal("token for an unknown subject was issued")
	}
	res, err := http.PostForm(s.URL()+"/token", map[string][]string{"grant_type": {workspace.SubjectGrant}, "sub": {"admin@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("subject grant: status %d", res.StatusCode)
	}
}
