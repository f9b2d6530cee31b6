package workspace_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

// schema is the part of a discovery document's JSON schema the check needs.
type schema struct {
	Ref                  string             `json:"$ref"`
	Type                 string             `json:"type"`
	Format               string             `json:"format"`
	Properties           map[string]*schema `json:"properties"`
	Items                *schema            `json:"items"`
	AdditionalProperties *schema            `json:"additionalProperties"`
}

type discovery struct {
	Schemas map[string]*schema `json:"schemas"`
}

func loadDiscovery(t *testing.T, rel string) *discovery {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "google.golang.org/api").Output()
	if err != nil {
		t.Fatalf("locate google.golang.org/api: %v", err)
	}
	b, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), rel))
	if err != nil {
		t.Fatal(err)
	}
	var d discovery
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	return &d
}

// check walks v against schema s and reports every field the schema does
// not have and every value of the wrong JSON type.
func (d *discovery) check(s *schema, v any, path string, errs *[]string) {
	if s.Ref != "" {
		s = d.Schemas[s.Ref]
	}
	bad := func(msg string) { *errs = append(*errs, path+": "+msg) }
	switch s.Type {
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			bad(fmt.Sprintf("want object, got %T", v))
			return
		}
		for k, val := range m {
			switch p := s.Properties[k]; {
			case p != nil:
				d.check(p, val, path+"."+k, errs)
			case s.AdditionalProperties != nil:
				d.check(s.AdditionalProperties, val, path+"."+k, errs)
			default:
				bad("field " + k + " is not in the discovery document")
			}
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			bad(fmt.Sprintf("want array, got %T", v))
			return
		}
		for i, e := range a {
			d.check(s.Items, e, fmt.Sprintf("%s[%d]", path, i), errs)
		}
	case "string":
		if _, ok := v.(string); !ok {
			bad(fmt.Sprintf("want string (%s), got %T", s.Format, v))
		}
	case "integer", "number":
		if _, ok := v.(float64); !ok {
			bad(fmt.Sprintf("want number, got %T", v))
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			bad(fmt.Sprintf("want boolean, got %T", v))
		}
	}
}

type sample struct {
	doc, schema, subject, path string
}

// Every field of every JSON object the emulator returns for a sample of
// each endpoint exists, with its JSON type, in the discovery document
// shipped with google.golang.org/api.
func TestResponsesMatchDiscoveryDocuments(t *testing.T) {
	t.Parallel()
	opt := synth.Tiny(4)
	opt.Hostile = true
	s := start(t, opt, workspace.Faults{})
	org := s.Org()
	admin, user := "admin@example.com", org.Users()[1].Email
	docs := map[string]string{"directory": "admin/directory/v1/admin-api.json", "gmail": "gmail/v1/gmail-api.json",
		"drive": "drive/v3/drive-api.json", "calendar": "calendar/v3/calendar-api.json", "people": "people/v1/people-api.json",
		"tasks": "tasks/v1/tasks-api.json", "keep": "keep/v1/keep-api.json", "groupssettings": "groupssettings/v1/groupssettings-api.json",
		"chat": "chat/v1/chat-api.json", "classroom": "classroom/v1/classroom-api.json"}
	file := org.File(synth.Owner{Index: 1}, 14) // the shortcut
	doc := org.File(synth.Owner{Index: 1}, 10)
	drive0 := org.SharedDrives()[0].ID
	organizer := org.Users()[org.SharedDrives()[0].Members[0]].Email
	msgs := url.PathEscape(org.MessageID(1, 0))
	teacher, course := org.Users()[org.Course(0).Teacher].Email, org.Course(0).ID
	samples := []sample{
		{"directory", "Customer", admin, "admin/directory/v1/customers/my_customer"},
		{"directory", "Users", admin, "admin/directory/v1/users?customer=my_customer"},
		{"directory", "User", admin, "admin/directory/v1/users/" + user},
		{"directory", "Groups", admin, "admin/directory/v1/groups?customer=my_customer"},
		{"directory", "Group", admin, "admin/directory/v1/groups/" + org.Groups()[1].Email},
		{"directory", "Members", admin, "admin/directory/v1/groups/" + org.Groups()[0].Email + "/members"},
		{"directory", "CalendarResources", admin, "admin/directory/v1/customer/my_customer/resources/calendars"},
		{"directory", "Roles", admin, "admin/directory/v1/customer/my_customer/roles"},
		{"directory", "RoleAssignments", admin, "admin/directory/v1/customer/my_customer/roleassignments"},
		{"gmail", "ListMessagesResponse", user, "gmail/v1/users/me/messages"},
		{"gmail", "Message", user, "gmail/v1/users/me/messages/" + msgs + "?format=raw"},
		{"gmail", "Message", user, "gmail/v1/users/me/messages/" + msgs + "?format=metadata"},
		{"gmail", "ListLabelsResponse", user, "gmail/v1/users/me/labels"},
		{"drive", "FileList", user, "drive/v3/files?fields=*&pageSize=1000"},
		{"drive", "File", user, "drive/v3/files/" + file.ID + "?fields=*"},
		{"drive", "File", user, "drive/v3/files/" + doc.ID + "?fields=*"},
		{"drive", "DriveList", admin, "drive/v3/drives?useDomainAdminAccess=true"},
		{"drive", "FileList", organizer, "drive/v3/files?fields=*&corpora=drive&includeItemsFromAllDrives=true&supportsAllDrives=true&driveId=" + drive0},
		{"drive", "PermissionList", admin, "drive/v3/files/" + drive0 + "/permissions?fields=*&useDomainAdminAccess=true&supportsAllDrives=true"},
		{"calendar", "CalendarList", user, "calendar/v3/users/me/calendarList"},
		{"calendar", "Calendar", user, "calendar/v3/calendars/primary"},
		{"calendar", "Events", user, "calendar/v3/calendars/primary/events?showDeleted=true"},
		{"calendar", "Events", admin, "calendar/v3/calendars/" + org.Resources()[0].Email + "/events"},
		{"people", "ListConnectionsResponse", user, "v1/people/me/connections?personFields=names,emailAddresses,phoneNumbers,photos,memberships"},
		{"people", "ListContactGroupsResponse", user, "v1/contactGroups"},
		{"people", "ListOtherContactsResponse", user, "v1/otherContacts?readMask=names,emailAddresses"},
		{"tasks", "TaskLists", user, "tasks/v1/users/@me/lists"},
		{"tasks", "Tasks", user, "tasks/v1/lists/" + org.TaskList(1, 0).ID + "/tasks?showDeleted=true&showHidden=true&maxResults=100"},
		{"keep", "ListNotesResponse", user, "v1/notes"},
		{"keep", "ListNotesResponse", user, "v1/notes?filter=trashed%20%3D%20true"},
		{"chat", "ListSpacesResponse", user, "v1/spaces"},
		{"chat", "SearchSpacesResponse", admin, "v1/spaces:search?useAdminAccess=true&query=" + url.QueryEscape(`customer = "customers/my_customer" AND space_type = "SPACE"`)},
		{"chat", "ListMembershipsResponse", admin, "v1/spaces/" + org.Space(0).ID + "/members?useAdminAccess=true&filter=" + url.QueryEscape(`member.type = "HUMAN"`)},
		{"chat", "ListMessagesResponse", user, "v1/spaces/" + org.Space(org.SpaceCount()+1).ID + "/messages"},
		{"classroom", "ListCoursesResponse", teacher, "v1/courses"},
		{"classroom", "ListStudentsResponse", teacher, "v1/courses/" + course + "/students"},
		{"classroom", "ListTeachersResponse", teacher, "v1/courses/" + course + "/teachers"},
		{"classroom", "ListTopicResponse", teacher, "v1/courses/" + course + "/topics"},
		{"classroom", "ListCourseWorkResponse", teacher, "v1/courses/" + course + "/courseWork"},
		{"classroom", "ListCourseWorkMaterialResponse", teacher, "v1/courses/" + course + "/courseWorkMaterials"},
		{"classroom", "ListAnnouncementsResponse", teacher, "v1/courses/" + course + "/announcements"},
		{"classroom", "ListStudentSubmissionsResponse", teacher, "v1/courses/" + course + "/courseWork/-/studentSubmissions"},
		{"groupssettings", "Groups", admin, "groups/v1/groups/" + org.Groups()[0].Email + "?alt=json"},
	}
	loaded := map[string]*discovery{}
	clients := map[string]*http.Client{}
	for _, smp := range samples {
		d := loaded[smp.doc]
		if d == nil {
			d = loadDiscovery(t, docs[smp.doc])
			loaded[smp.doc] = d
		}
		hc := clients[smp.subject]
		if hc == nil {
			hc, _ = s.HTTPClient(context.Background(), smp.subject)
			clients[smp.subject] = hc
		}
		res, err := hc.Get(s.URL() + "/" + smp.path)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		err = json.NewDecoder(res.Body).Decode(&v)
		res.Body.Close()
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("%s: %s %v", smp.path, res.Status, err)
		}
		if d.Schemas[smp.schema] == nil {
			t.Fatalf("no schema %s in %s", smp.schema, smp.doc)
		}
		var errs []string
		d.check(&schema{Ref: smp.schema}, v, smp.schema, &errs)
		for _, e := range errs {
			t.Errorf("%s: %s", smp.path, e)
		}
	}
}

// The check itself catches unknown fields and wrong JSON types.
func TestDiscoveryCheckCatchesMistakes(t *testing.T) {
	t.Parallel()
	d := loadDiscovery(t, "drive/v3/drive-api.json")
	var errs []string
	d.check(&schema{Ref: "FileList"}, map[string]any{"files": []any{map[string]any{"id": "x", "size": 12.0, "bogus": true}}}, "FileList", &errs)
	if len(errs) != 2 {
		t.Fatalf("errors %q, want the number size and the bogus field", errs)
	}
}

func jsonDecode(r io.Reader, v any) error { return json.NewDecoder(r).Decode(v) }
