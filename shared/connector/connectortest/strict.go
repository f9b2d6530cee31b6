package connectortest

import (
	"net/http"
	"testing"

	admin "google.golang.org/api/admin/directory/v1"
	"google.golang.org/api/calendar/v3"
	"google.golang.org/api/chat/v1"
	"google.golang.org/api/classroom/v1"
	"google.golang.org/api/drive/v3"
	"google.golang.org/api/gmail/v1"
	"google.golang.org/api/groupssettings/v1"
	"google.golang.org/api/keep/v1"
	"google.golang.org/api/people/v1"
	"google.golang.org/api/storage/v1"
	"google.golang.org/api/tasks/v1"
	"google.golang.org/api/vault/v1"

	emulator "github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/conformance"
)

// clientStructs are the google.golang.org/api structs the answers are
// decoded into strictly (unknown fields rejected), by "api.Schema".
var clientStructs = map[string]func() any{
	"directory.Customer": func() any { return new(admin.Customer) }, "directory.Users": func() any { return new(admin.Users) },
	"directory.User": func() any { return new(admin.User) }, "directory.Groups": func() any { return new(admin.Groups) },
	"directory.Group": func() any { return new(admin.Group) }, "directory.Members": func() any { return new(admin.Members) },
	"directory.CalendarResources": func() any { return new(admin.CalendarResources) },
	"directory.Roles":             func() any { return new(admin.Roles) },
	"directory.RoleAssignments":   func() any { return new(admin.RoleAssignments) },
	"gmail.ListMessagesResponse":  func() any { return new(gmail.ListMessagesResponse) },
	"gmail.Message":               func() any { return new(gmail.Message) },
	"gmail.ListLabelsResponse":    func() any { return new(gmail.ListLabelsResponse) },
	"drive.FileList":              func() any { return new(drive.FileList) }, "drive.File": func() any { return new(drive.File) },
	"drive.DriveList": func() any { return new(drive.DriveList) }, "drive.PermissionList": func() any { return new(drive.PermissionList) },
	"calendar.CalendarList": func() any { return new(calendar.CalendarList) },
	"calendar.Calendar":     func() any { return new(calendar.Calendar) }, "calendar.Events": func() any { return new(calendar.Events) },
	"people.ListConnectionsResponse":   func() any { return new(people.ListConnectionsResponse) },
	"people.ListContactGroupsResponse": func() any { return new(people.ListContactGroupsResponse) },
	"people.ListOtherContactsResponse": func() any { return new(people.ListOtherContactsResponse) },
	"tasks.TaskLists":                  func() any { return new(tasks.TaskLists) }, "tasks.Tasks": func() any { return new(tasks.Tasks) },
	"keep.ListNotesResponse":                   func() any { return new(keep.ListNotesResponse) },
	"chat.ListSpacesResponse":                  func() any { return new(chat.ListSpacesResponse) },
	"chat.SearchSpacesResponse":                func() any { return new(chat.SearchSpacesResponse) },
	"chat.Space":                               func() any { return new(chat.Space) },
	"chat.ListMembershipsResponse":             func() any { return new(chat.ListMembershipsResponse) },
	"chat.ListMessagesResponse":                func() any { return new(chat.ListMessagesResponse) },
	"classroom.ListCoursesResponse":            func() any { return new(classroom.ListCoursesResponse) },
	"classroom.ListStudentsResponse":           func() any { return new(classroom.ListStudentsResponse) },
	"classroom.ListTeachersResponse":           func() any { return new(classroom.ListTeachersResponse) },
	"classroom.ListTopicResponse":              func() any { return new(classroom.ListTopicResponse) },
	"classroom.ListCourseWorkResponse":         func() any { return new(classroom.ListCourseWorkResponse) },
	"classroom.ListCourseWorkMaterialResponse": func() any { return new(classroom.ListCourseWorkMaterialResponse) },
	"classroom.ListAnnouncementsResponse":      func() any { return new(classroom.ListAnnouncementsResponse) },
	"classroom.ListStudentSubmissionsResponse": func() any { return new(classroom.ListStudentSubmissionsResponse) },
	"groupssettings.Groups":                    func() any { return new(groupssettings.Groups) },
	"vault.Matter":                             func() any { return new(vault.Matter) },
	"vault.ListMattersResponse":                func() any { return new(vault.ListMattersResponse) },
	"vault.Export":                             func() any { return new(vault.Export) },
	"vault.ListExportsResponse":                func() any { return new(vault.ListExportsResponse) },
	"vault.ListHoldsResponse":                  func() any { return new(vault.ListHoldsResponse) },
	"storage.Object":                           func() any { return new(storage.Object) },
}

// outsideAPIs are the emulator's paths that are no API method: the token
// endpoint, IAM Credentials' signJwt, the Docs export links, the
// emulator's own endpoints and the OIDC issuer.
var outsideAPIs = []string{"/token", "/v1/projects/", "/feeds/download/", "/emulator/", "/oidc/"}

// Strict is the conformance harness: a transport over base (nil: the
// default) that checks every request against the discovery documents and
// every answer against the response schemas and the client structs, and
// fails the test at its end with every divergence seen (see package
// conformance). Every Env's factories go through one.
func Strict(t testing.TB, base http.RoundTripper) http.RoundTripper {
	t.Helper()
	st, err := conformance.NewTransport(base, clientStructs, outsideAPIs, emulator.APIs...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		t.Logf("conformance: %d requests checked", st.Checked())
		for _, v := range st.Violations() {
			t.Errorf("conformance: %s", v)
		}
	})
	return st
}
