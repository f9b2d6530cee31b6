package classroom_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/connector/classroom"
	"github.com/orgexport/orgexport/shared/connector/connectortest"
	"github.com/orgexport/orgexport/shared/export"
)

func TestConformance(t *testing.T) {
	env := connectortest.Start(t, synth.Tiny(1))
	connectortest.Run(t, env, func() connector.Connector { return classroom.New(env.Factory) },
		connectortest.Suite{API: "classroom"})
}

// A course file validates; the teacher's holds every student's submission,
// a student's only their own, and Drive materials are links.
func TestCourseFiles(t *testing.T) {
	opts := synth.Tiny(2)
	opts.Hostile = true
	env := connectortest.Start(t, opts)
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(classroom.Schema))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("classroom.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("classroom.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	org := env.Server.Org()
	co := org.Course(0)
	submissions := func(user int) int {
		r, err := connectortest.ExportAll(context.Background(), classroom.New(env.Factory), env.Accounts()[user], nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range r.Entries() {
			if e.ItemID != co.ID {
				continue
			}
			inst, _ := jsonschema.UnmarshalJSON(bytes.NewReader(e.Data))
			if err := schema.Validate(inst); err != nil {
				t.Errorf("%s does not validate: %v", e.Path, err)
			}
			var f struct {
				CourseWork []struct {
					Materials []struct {
						DriveFile struct {
							DriveFile struct{ AlternateLink string } `json:"driveFile"`
						} `json:"driveFile"`
					} `json:"materials"`
					StudentSubmissions []json.RawMessage `json:"studentSubmissions"`
				} `json:"courseWork"`
			}
			if err := json.Unmarshal(e.Data, &f); err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, w := range f.CourseWork {
				n += len(w.StudentSubmissions)
				if len(w.Materials) == 0 || w.Materials[0].DriveFile.DriveFile.AlternateLink == "" {
					t.Errorf("course work without its Drive link")
				}
			}
			return n
		}
		t.Fatalf("user %d: no file for course %s", user, co.ID)
		return 0
	}
	if got, want := submissions(co.Teacher), co.CourseWork*len(co.Students); got != want {
		t.Errorf("teacher sees %d submissions, want %d", got, want)
	}
	if got := submissions(co.Students[0]); got != co.CourseWork {
		t.Errorf("student sees %d submissions, want their own %d", got, co.CourseWork)
	}
}

// An administrator's courses.list returns every course of the domain; the
// admin's export holds only the courses the admin teaches or attends.
func TestAdminExportHoldsOnlyTheAdminsCourses(t *testing.T) {
	env := connectortest.Start(t, synth.Tiny(1))
	org := env.Server.Org()
	admin := env.Accounts()[0]
	if admin.ID != env.Admin {
		t.Fatalf("first account %s, want the admin", admin.ID)
	}
	if org.Course(0).Teacher != 0 || org.Course(1).Member(0) {
		t.Fatal("the organisation lacks a course the admin teaches and one the admin is not in")
	}
	r, err := connectortest.ExportAll(context.Background(), classroom.New(env.Factory), admin, nil)
	if err != nil {
		t.Fatal(err)
	}
	connectortest.Check(t, env.Truth(admin, export.Classroom), r, admin)
	for id := range r.Items() {
		if id == org.Course(1).ID {
			t.Errorf("the admin's export holds course %s, which the admin neither teaches nor attends", id)
		}
	}
}
