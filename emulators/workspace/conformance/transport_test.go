package conformance_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"google.golang.org/api/chat/v1"
	"google.golang.org/api/option"

	"github.com/orgexport/orgexport/emulators/workspace/conformance"
)

// fake answers every request with body and status.
func fake(t *testing.T, status int, body string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func strict(t *testing.T) *conformance.Transport {
	st, err := conformance.NewTransport(nil, map[string]func() any{
		"chat.ListMembershipsResponse": func() any { return new(chat.ListMembershipsResponse) },
	}, nil, "chat", "drive")
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func chatClient(t *testing.T, srv *httptest.Server, st *conformance.Transport) *chat.Service {
	svc, err := chat.NewService(context.Background(), option.WithEndpoint(srv.URL+"/"),
		option.WithHTTPClient(&http.Client{Transport: st}))
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func wantViolation(t *testing.T, st *conformance.Transport, words string) {
	t.Helper()
	for _, v := range st.Violations() {
		if strings.Contains(v, words) {
			return
		}
	}
	t.Errorf("violations %q, want one saying %q", st.Violations(), words)
}

// An answer with a field the discovery document does not have, of the
// wrong type or outside an enum is a violation, and so is a field the
// client struct does not have.
func TestAnswersAreCheckedAgainstSchemaAndStructs(t *testing.T) {
	srv := fake(t, 200, `{"memberships":[{"name":"spaces/a/members/1","state":"HERE","role":7,"email":"x@example.com"}]}`)
	st := strict(t)
	_, _ = chatClient(t, srv, st).Spaces.Members.List("spaces/a").Do()
	wantViolation(t, st, "field email is not in the discovery document")
	wantViolation(t, st, `"HERE" is not a value of the enum`)
	wantViolation(t, st, "role: want string")
	wantViolation(t, st, "does not decode strictly into the client's ListMembershipsResponse")
}

// A query parameter the method does not have, of the wrong type, or a
// required one missing, is a violation; a path of no method too.
func TestRequestsAreCheckedAgainstTheMethods(t *testing.T) {
	srv := fake(t, 200, `{}`)
	st := strict(t)
	hc := &http.Client{Transport: st}
	for _, p := range []string{"/v1/spaces?filtre=x", "/v1/spaces?pageSize=many", "/drive/v3/files/abc/export", "/v2/nothing"} {
		res, err := hc.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	wantViolation(t, st, `Unknown name "filtre"`)
	wantViolation(t, st, "Invalid value at 'page_size' (TYPE_INT32)")
	wantViolation(t, st, "Required parameter: mimeType")
	wantViolation(t, st, "GET /v2/nothing: no method")
}

// Errors are checked for their API's shape: no errors[] for Chat,
// errors[].reason for Drive.
func TestErrorShapesAreChecked(t *testing.T) {
	st := strict(t)
	hc := &http.Client{Transport: st}
	srv := fake(t, 404, `{"error":{"code":404,"message":"m","status":"NOT_FOUND","errors":[{"reason":"notFound"}]}}`)
	res, _ := hc.Get(srv.URL + "/v1/spaces/x")
	res.Body.Close()
	wantViolation(t, st, "chat errors carry status and details only")
	srv = fake(t, 404, `{"error":{"code":404,"message":"m","status":"NOT_FOUND"}}`)
	res, _ = hc.Get(srv.URL + "/drive/v3/files/x")
	res.Body.Close()
	wantViolation(t, st, "drive errors carry errors[].reason")
}

// A request body is checked against the method's request schema.
func TestRequestBodiesAreChecked(t *testing.T) {
	srv := fake(t, 200, `{"name":"spaces/x"}`)
	st := strict(t)
	req, _ := http.NewRequest("POST", srv.URL+"/v1/spaces", strings.NewReader(`{"displayName":"x","spaceType":"ROOM","colour":"red"}`))
	req.Header.Set("Content-Type", "application/json")
	res, err := (&http.Client{Transport: st}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	wantViolation(t, st, "request Space: field colour is not in the discovery document")
	wantViolation(t, st, `"ROOM" is not a value of the enum`)
	// The client's own request passes.
	st = strict(t)
	if _, err := chatClient(t, srv, st).Spaces.Create(&chat.Space{DisplayName: "x", SpaceType: "SPACE"}).Do(); err != nil {
		t.Fatal(err)
	}
	if v := st.Violations(); len(v) != 0 {
		t.Errorf("violations %q for the client's own request", v)
	}
}

// The client library's requests carry their body where the check sees it.
func TestClientRequestBodiesAreSeen(t *testing.T) {
	srv := fake(t, 200, `{"name":"spaces/x"}`)
	st := strict(t)
	_, _ = chatClient(t, srv, st).Spaces.Create(&chat.Space{DisplayName: "x", SpaceType: "ROOM"}).Do()
	wantViolation(t, st, `"ROOM" is not a value of the enum`)
}
