package workspace_test

import (
	"context"
	"testing"

	"google.golang.org/api/classroom/v1"

	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

// courses.list returns "the courses that the requesting user is permitted
// to view": every course of the domain for an administrator; teacherId
// and studentId ("me") restrict them, and cannot both be set.
func TestCoursesListAsAdminAndAsMember(t *testing.T) {
	t.Parallel()
	s := start(t, synth.Tiny(1), workspace.Faults{})
	org := s.Org()
	svc, err := classroom.NewService(context.Background(), clientOpts(t, s, "classroom", "admin@example.com")...)
	if err != nil {
		t.Fatal(err)
	}
	all, err := svc.Courses.List().Do()
	if err != nil || len(all.Courses) != org.CourseCount() {
		t.Fatalf("admin's courses.list: %v, %d courses, want all %d", err, len(all.Courses), org.CourseCount())
	}
	taught, err := svc.Courses.List().TeacherId("me").Do()
	if err != nil || len(taught.Courses) != 1 || taught.Courses[0].Id != org.Course(0).ID {
		t.Fatalf("teacherId=me: %v %+v, want course 0 only", err, taught)
	}
	attended, err := svc.Courses.List().StudentId("me").PageSize(0).Do()
	if err != nil || len(attended.Courses) != 0 {
		t.Fatalf("studentId=me: %v %+v, want none", err, attended)
	}
	_, err = svc.Courses.List().TeacherId("me").StudentId("me").Do()
	wantAPIError(t, err, 400, "badRequest")
	_, err = svc.Courses.List().CourseStates("OPEN").Do()
	wantAPIError(t, err, 400, "badRequest")
	student := org.Users()[org.Course(1).Students[0]].Email
	ssvc, _ := classroom.NewService(context.Background(), clientOpts(t, s, "classroom", student)...)
	mine, err := ssvc.Courses.List().Do()
	if err != nil {
		t.Fatal(err)
	}
	for _, co := range mine.Courses {
		found := false
		for c := range org.CourseCount() {
			if o := org.Course(c); o.ID == co.Id && o.Member(org.Course(1).Students[0]) {
				found = true
			}
		}
		if !found {
			t.Errorf("a student sees course %s they are not in", co.Id)
		}
	}
}
