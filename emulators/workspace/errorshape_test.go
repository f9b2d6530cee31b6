package workspace_test

import (
	"context"
	"encoding/json"
	"io"
	"testing"

	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

// errorBody is Google's error envelope, with the fields both shapes use.
type errorBody struct {
	Error struct {
		Code    int               `json:"code"`
		Message string            `json:"message"`
		Status  string            `json:"status"`
		Errors  []json.RawMessage `json:"errors"`
		Details []map[string]any  `json:"details"`
	} `json:"error"`
}

func getError(t *testing.T, s *workspace.Server, subject, path string) errorBody {
	t.Helper()
	hc, _ := s.HTTPClient(context.Background(), subject)
	res, err := hc.Get(s.URL() + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var e errorBody
	if err := json.Unmarshal(b, &e); err != nil || e.Error.Code == 0 {
		t.Fatalf("%s: %s: not an error body: %s", path, res.Status, b)
	}
	return e
}

// Chat, Keep, People, Classroom and Vault answer {"error": {"code",
// "message", "status", "details"}} with no errors[]; Gmail, Drive,
// Calendar and Directory send errors[].reason too.
func TestEachAPIAnswersInItsOwnErrorShape(t *testing.T) {
	t.Parallel()
	s := start(t, synth.Tiny(1), workspace.Faults{})
	user := s.Org().Users()[1].Email
	statusOnly := map[string]string{
		"chat":      "/v1/spaces/nonexistent",
		"keep":      "/v1/notes/nonexistent/attachments/x?alt=media",
		"people":    "/v1/people/me/connections", // personFields missing
		"classroom": "/v1/courses/1/students",
		"vault":     "/v1/matters/nonexistent",
	}
	for api, path := range statusOnly {
		subject := user
		if api == "vault" {
			subject = "admin@example.com"
		}
		e := getError(t, s, subject, path)
		if len(e.Error.Errors) != 0 || e.Error.Status == "" {
			t.Errorf("%s %s: status %q, errors %s: want a status and no errors[]", api, path, e.Error.Status, e.Error.Errors)
		}
	}
	withReasons := map[string]string{
		"gmail":     "/gmail/v1/users/me/messages/nonexistent",
		"drive":     "/drive/v3/files/nonexistent",
		"calendar":  "/calendar/v3/calendars/nonexistent@example.com",
		"directory": "/admin/directory/v1/users/nobody@example.com",
	}
	for api, path := range withReasons {
		e := getError(t, s, "admin@example.com", path)
		if len(e.Error.Errors) == 0 {
			t.Errorf("%s %s: no errors[].reason", api, path)
		}
	}
}

// A rate limit of a status-shaped API is 429 RESOURCE_EXHAUSTED with an
// ErrorInfo RATE_LIMIT_EXCEEDED, not a 403 userRateLimitExceeded.
func TestStatusShapedQuotaErrors(t *testing.T) {
	t.Parallel()
	s := start(t, synth.Tiny(1), workspace.Faults{APIs: map[string]workspace.APIFaults{"chat": {UserRateLimit: 1}}})
	e := getError(t, s, s.Org().Users()[1].Email, "/v1/spaces")
	if e.Error.Code != 429 || e.Error.Status != "RESOURCE_EXHAUSTED" || len(e.Error.Errors) != 0 {
		t.Fatalf("got %d %s errors %s, want 429 RESOURCE_EXHAUSTED without errors[]", e.Error.Code, e.Error.Status, e.Error.Errors)
	}
	if len(e.Error.Details) != 1 || e.Error.Details[0]["reason"] != "RATE_LIMIT_EXCEEDED" {
		t.Fatalf("details %v, want an ErrorInfo RATE_LIMIT_EXCEEDED", e.Error.Details)
	}
}
