package classroom

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"time"

	"google.golang.org/api/classroom/v1"

	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/zipname"
)

// Schema is the JSON Schema of a course file.
//
//go:embed classroom.schema.json
var Schema []byte

// Clients makes Classroom clients that act as a user.
type Clients interface {
	Classroom(ctx context.Context, subject string) (*classroom.Service, error)
}

// Connector exports Classroom courses.
type Connector struct{ clients Clients }

var _ connector.Connector = (*Connector)(nil)

// New returns a Classroom connector.
func New(clients Clients) *Connector { return &Connector{clients: clients} }

// Product implements connector.Connector.
func (c *Connector) Product() export.Product { return export.Classroom }

// Handles implements connector.Connector: users teach and attend courses.
func (c *Connector) Handles(a connector.Account) bool { return a.Type == export.User }

// Course is one course file.
type Course struct {
	Course              *classroom.Course               `json:"course"`
	Teachers            []*classroom.Teacher            `json:"teachers"`
	Students            []*classroom.Student            `json:"students"`
	Topics              []*classroom.Topic              `json:"topics"`
	CourseWork          []Work                          `json:"courseWork"`
	CourseWorkMaterials []*classroom.CourseWorkMaterial `json:"courseWorkMaterials"`
	Announcements       []*classroom.Announcement       `json:"announcements"`
}

// Work is a course work with the submissions the user may see.
type Work struct {
	*classroom.CourseWork
	StudentSubmissions []*classroom.StudentSubmission `json:"studentSubmissions"`
}

// MarshalJSON merges the course work's fields with its submissions.
func (w Work) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(w.CourseWork)
	if err != nil {
		return nil, err
	}
	m := map[string]json.RawMessage{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	if m["studentSubmissions"], err = json.Marshal(w.StudentSubmissions); err != nil {
		return nil, err
	}
	return json.Marshal(m)
}

// Export implements connector.Connector.
func (c *Connector) Export(ctx context.Context, a connector.Account, cursor string, e connector.Emitter) error {
	return c.export(ctx, a, cursor, nil, e)
}

var _ connector.ItemExporter = (*Connector)(nil)

// ExportItems implements connector.ItemExporter: ids are course ids. A
// course's file is named by its title, deduplicated over all the user's
// courses in id order, so the same walk as Export lists them all and
// writes the asked-for ones; a course the user neither teaches nor
// attends any more was deleted (or left) since the export.
func (c *Connector) ExportItems(ctx context.Context, a connector.Account, ids []string, cursor string, e connector.Emitter) error {
	return c.export(ctx, a, cursor, connector.Want(ids), e)
}

// export writes the courses after cursor that want has (nil: all). The
// cursor is the number of courses passed.
func (c *Connector) export(ctx context.Context, a connector.Account, cursor string, want *connector.Wanted, e connector.Emitter) error {
	done := 0
	if cursor != "" {
		n, err := strconv.Atoi(cursor)
		if err != nil || n < 0 {
			return fmt.Errorf("classroom: bad cursor %q", cursor)
		}
		done = n
	}
	svc, err := c.clients.Classroom(ctx, a.Subject)
	if err != nil {
		return err
	}
	courses, err := ownCourses(ctx, svc)
	if err != nil {
		return fmt.Errorf("courses of %s: %w", a.ID, err)
	}
	names := zipname.NewDedup()
	for i, co := range courses {
		name := names.Name(co.Name+".json", co.Id)
		if !want.Has(co.Id) || i < done {
			continue
		}
		file, err := read(ctx, svc, co)
		if err != nil {
			return fmt.Errorf("course %s (%s) of %s: %w", co.Id, co.Name, a.ID, err)
		}
		w, err := e.Create(connector.Entry{Path: "Classroom/" + name, Modified: modified(co), Content: connector.Compressible, ItemID: co.Id})
		if err != nil {
			return err
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(file); err != nil {
			return err
		}
		if err := e.Checkpoint(ctx, strconv.Itoa(i+1)); err != nil {
			return err
		}
	}
	want.Gone(e, export.Classroom)
	return nil
}

// ownCourses lists the courses the user teaches and those they attend,
// merged, in id order. courses.list alone is "the courses the requesting
// user is permitted to view": for an administrator, every course of the
// domain, which are not the administrator's data.
func ownCourses(ctx context.Context, svc *classroom.Service) ([]*classroom.Course, error) {
	seen := map[string]bool{}
	var out []*classroom.Course
	for _, role := range []string{"teacherId", "studentId"} {
		call := svc.Courses.List().PageSize(100)
		if role == "teacherId" {
			call = call.TeacherId("me")
		} else {
			call = call.StudentId("me")
		}
		err := call.Pages(ctx, func(p *classroom.ListCoursesResponse) error {
			for _, co := range p.Courses {
				if !seen[co.Id] {
					seen[co.Id] = true
					out = append(out, co)
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Id < out[j].Id })
	return out, nil
}

func modified(co *classroom.Course) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, co.UpdateTime)
	return t
}
