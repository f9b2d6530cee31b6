package synth

import (
	"fmt"
	"time"
)

const kCourse uint64 = 120

// Course is a Classroom course with its roster and stream.
type Course struct {
	Index    int
	ID, Name string
	Section  string
	Teacher  int   // user index
	Students []int // user indexes
	Created  time.Time
	// Counts of the course's stream, each item derived from the index.
	Topics, CourseWork, Materials, Announcements int
}

// CourseCount is the number of courses.
func (g *Org) CourseCount() int {
	if !g.HasData() || len(g.users) < 2 {
		return 0
	}
	return g.opt.Courses
}

// Course returns course c: taught by a user, with up to three students.
func (g *Org) Course(c int) Course {
	r := g.rng(kCourse, uint64(c))
	n := len(g.users)
	co := Course{Index: c, ID: fmt.Sprintf("%d", 600000000000+g.hash(kCourse, 'i', uint64(c))%100000000000),
		Name: fmt.Sprintf("Course %d", c+1), Section: fmt.Sprintf("Section %c", 'A'+c%3),
		Teacher: c % n, Created: g.opt.Now.Add(-time.Duration(60+r.IntN(300)) * 24 * time.Hour).Truncate(time.Second),
		Topics: 2, CourseWork: 3, Materials: 1, Announcements: 2}
	for k := 1; k <= min(3, n-1); k++ {
		if s := (co.Teacher + k) % n; s != co.Teacher {
			co.Students = append(co.Students, s)
		}
	}
	if g.opt.Hostile && c == 0 {
		co.Name = "<b>Course</b> / ../1"
	}
	return co
}

// Member reports whether the user teaches or attends the course.
func (c Course) Member(user int) bool { return c.Teacher == user || c.Student(user) }

// Student reports whether the user attends the course.
func (c Course) Student(user int) bool {
	for _, s := range c.Students {
		if s == user {
			return true
		}
	}
	return false
}

// CourseItemID is the id of the course's item k of a kind ("topic",
// "work", "material", "announcement").
func (g *Org) CourseItemID(c Course, kind string, k int) string {
	return fmt.Sprintf("%d", 100000000+g.hash(kCourse, strHash(kind), uint64(c.Index), uint64(k))%900000000)
}
