package workspace_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/conformance"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

var update = flag.Bool("update", false, "rewrite methods.json from the discovery documents")

// The emulator's method table (methods.json, embedded) is what the
// discovery documents shipped in google.golang.org/api say; -update
// rewrites it.
func TestMethodTableIsCurrent(t *testing.T) {
	tab, err := conformance.BuildTable(workspace.APIs...)
	if err != nil {
		t.Fatal(err)
	}
	want, err := json.MarshalIndent(tab, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	want = append(want, '\n')
	if *update {
		if err := os.WriteFile("methods.json", want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile("methods.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("methods.json differs from the discovery documents: go test ./emulators/workspace/ -run TestMethodTableIsCurrent -update")
	}
}

// The APIs behind Google's front end refuse an unknown query parameter,
// a value of the wrong type and one outside an enum with 400
// INVALID_ARGUMENT ("Cannot bind query parameter"); Calendar's older front
// end ignores unknown parameters.
func TestUnknownAndMistypedParametersAreRefused(t *testing.T) {
	t.Parallel()
	s := start(t, synth.Tiny(1), workspace.Faults{})
	user := s.Org().Users()[1].Email
	refused := []struct{ subject, path, words string }{
		{user, "/v1/spaces?pageSize=10&filtre=x", `Unknown name "filtre": Cannot bind query parameter`},
		{user, "/v1/spaces?pageSize=ten", "Invalid value at 'page_size' (TYPE_INT32)"},
		{"admin@example.com", "/v1/spaces:search?useAdminAccess=yes&query=x", "Invalid value at 'use_admin_access' (TYPE_BOOL)"},
		{user, "/v1/courses?courseStates=OPEN", "Invalid value at 'course_states'"},
		{user, "/gmail/v1/users/me/messages?maxResult=10", `Unknown name "maxResult"`},
		{user, "/gmail/v1/users/me/messages/x?format=mbox", "Invalid value at 'format'"},
		{user, "/drive/v3/files?pagesize=5", `Unknown name "pagesize"`},
		{"admin@example.com", "/admin/directory/v1/users?customer=my_customer&maxResult=5", `Unknown name "maxResult"`},
		{"admin@example.com", "/admin/directory/v1/users?customer=my_customer&maxResults=501", "Values must be within the range: [1, 500]"},
		{"admin@example.com", "/admin/directory/v1/customer/my_customer/roles?maxResults=200", "Values must be within the range: [1, 100]"},
		{user, "/v1/people/me/connections?personFields=names&pageSize=1001", "between 1 and 1000"},
	}
	for _, c := range refused {
		e := getError(t, s, c.subject, c.path)
		if e.Error.Code != 400 || e.Error.Status != "INVALID_ARGUMENT" || !strings.Contains(e.Error.Message, c.words) {
			t.Errorf("%s: %d %s %q, want 400 INVALID_ARGUMENT saying %q", c.path, e.Error.Code, e.Error.Status, e.Error.Message, c.words)
		}
	}
	hc, _ := s.HTTPClient(context.Background(), user)
	for _, path := range []string{
		"/calendar/v3/users/me/calendarList?bogus=1", // Calendar's front end ignores it
		"/drive/v3/files?pageSize=5000",              // "values above 1000 will be coerced to 1000"
		"/v1/spaces?pageSize=5000",                   // "automatically changed to 1000"
		"/v1/contactGroups?pageSize=0",               // "Defaults to 30 if not set or set to 0"
	} {
		res, err := hc.Get(s.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Errorf("%s: %s, want 200", path, res.Status)
		}
	}
}
