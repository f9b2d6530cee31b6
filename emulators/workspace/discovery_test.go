package workspace_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/conformance"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

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
	clients := map[string]*http.Client{}
	for _, smp := range samples {
		d, err := conformance.Load(smp.doc)
		if err != nil {
			t.Fatal(err)
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
		for _, e := range d.CheckValue(&conformance.Schema{Ref: smp.schema}, v, smp.schema) {
			t.Errorf("%s: %s", smp.path, e)
		}
	}
}

// The check itself catches unknown fields, wrong JSON types and values
// outside an enum.
func TestDiscoveryCheckCatchesMistakes(t *testing.T) {
	t.Parallel()
	d, err := conformance.Load("drive")
	if err != nil {
		t.Fatal(err)
	}
	errs := d.CheckValue(&conformance.Schema{Ref: "FileList"}, map[string]any{"files": []any{map[string]any{"id": "x", "size": 12.0, "bogus": true}}}, "FileList")
	if len(errs) != 2 {
		t.Fatalf("errors %q, want the number size and the bogus field", errs)
	}
	c, err := conformance.Load("chat")
	if err != nil {
		t.Fatal(err)
	}
	if errs := c.CheckValue(&conformance.Schema{Ref: "Space"}, map[string]any{"spaceType": "ROOM"}, "Space"); len(errs) != 1 {
		t.Fatalf("errors %q, want the value outside the enum", errs)
	}
}

func jsonDecode(r io.Reader, v any) error { return json.NewDecoder(r).Decode(v) }
