package workspace

import (
	"net/http"
	"slices"
	"time"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

func (s *Server) classroomRoutes(api func(string, string, http.HandlerFunc)) {
	api("classroom", "GET /v1/courses", handle(s.listCourses))
	api("classroom", "GET /v1/courses/{course}/{list}", handle(s.listCourseItems))
	api("classroom", "GET /v1/courses/{course}/courseWork/{work}/studentSubmissions", handle(s.listSubmissions))
}

// listCourses is courses.list: "the courses that the requesting user is
// permitted to view" — for a super administrator every course of the
// domain, for anyone else those they teach or attend — restricted to
// those with the teacher teacherId or the student studentId ("me", an
// email or a user id; not both). The synthetic courses are all ACTIVE.
func (s *Server) listCourses(w http.ResponseWriter, r *http.Request) error {
	u := subject(r)
	q := r.URL.Query()
	teacherID, studentID := q.Get("teacherId"), q.Get("studentId")
	if teacherID != "" && studentID != "" {
		return invalidArgument("student_id", "Request contains an invalid argument: teacher_id and student_id cannot both be set.")
	}
	if err := checkCourseStates(q["courseStates"]); err != nil {
		return err
	}
	active := len(q["courseStates"]) == 0 || slices.Contains(q["courseStates"], "ACTIVE")
	keep := func(co synth.Course) bool { return u.Admin || co.Member(u.Index) }
	if id := teacherID + studentID; id != "" {
		who, ok := u, id == "me"
		if !ok {
			who, ok = s.org.UserByKey(id)
		}
		if !ok {
			return notFound("Requested entity was not found.")
		}
		if teacherID != "" {
			keep = func(co synth.Course) bool { return co.Teacher == who.Index && (u.Admin || co.Member(u.Index)) }
		} else {
			keep = func(co synth.Course) bool { return co.Student(who.Index) && (u.Admin || co.Member(u.Index)) }
		}
	}
	var items []obj
	for c := range s.org.CourseCount() {
		if co := s.org.Course(c); active && keep(co) {
			items = append(items, s.courseJSON(co))
		}
	}
	return pageOf(w, r, "courses", items)
}

// checkCourseStates refuses a courseStates value outside the enum.
func checkCourseStates(states []string) error {
	for _, st := range states {
		switch st {
		case "COURSE_STATE_UNSPECIFIED", "ACTIVE", "ARCHIVED", "PROVISIONED", "DECLINED", "SUSPENDED":
		default:
			return invalidArgument("course_states", "Invalid value at 'course_states' (type.googleapis.com/google.classroom.v1.Course.CourseState), \""+st+"\"")
		}
	}
	return nil
}

func (s *Server) courseJSON(co synth.Course) obj {
	t := s.org.Users()[co.Teacher]
	return obj{"id": co.ID, "name": co.Name, "section": co.Section, "ownerId": t.ID, "courseState": "ACTIVE",
		"creationTime": stamp(co.Created), "updateTime": stamp(co.Created.Add(time.Hour)),
		"alternateLink": "https://classroom.google.com/c/" + co.ID, "room": "101", "guardiansEnabled": false}
}

// pageOf writes one page of items (pageSize, pageToken) under key: 30 by
// default ("if unspecified or 0"); the reference names no maximum ("the
// server may return fewer"), the emulator returns at most 100.
func pageOf(w http.ResponseWriter, r *http.Request, key string, items []obj) error {
	start, size, err := zeroPage(r, "pageSize", 30, 100)
	if err != nil {
		return err
	}
	end := min(len(items), start+size)
	res := obj{key: append([]obj{}, items[min(start, end):end]...)}
	setNext(res, end, len(items))
	reply(w, r, res, "")
	return nil
}

// course finds the course and checks the caller is in it.
func (s *Server) course(r *http.Request) (synth.Course, bool, error) {
	u := subject(r)
	for c := range s.org.CourseCount() {
		if co := s.org.Course(c); co.ID == r.PathValue("course") {
			if !co.Member(u.Index) {
				return co, false, forbidden("The caller does not have permission")
			}
			return co, co.Teacher == u.Index, nil
		}
	}
	return synth.Course{}, false, notFound("Requested entity was not found.")
}

func profile(u synth.User) obj {
	return obj{"id": u.ID, "emailAddress": u.Email, "name": obj{"givenName": u.GivenName, "familyName": u.FamilyName, "fullName": u.FullName()}}
}

// listCourseItems serves students, teachers, topics, courseWork,
// courseWorkMaterials and announcements.
func (s *Server) listCourseItems(w http.ResponseWriter, r *http.Request) error {
	co, _, err := s.course(r)
	if err != nil {
		return err
	}
	users := s.org.Users()
	var items []obj
	stream := func(kind string, n int, f func(id string, k int) obj) {
		for k := range n {
			o := f(s.org.CourseItemID(co, kind, k), k)
			o["courseId"] = co.ID
			items = append(items, o)
		}
	}
	when := func(k int) string { return stamp(co.Created.Add(time.Duration(k+1) * 24 * time.Hour)) }
	creator := users[co.Teacher].ID
	key := r.PathValue("list")
	switch key {
	case "students":
		for _, st := range co.Students {
			items = append(items, obj{"courseId": co.ID, "userId": users[st].ID, "profile": profile(users[st])})
		}
	case "teachers":
		items = []obj{{"courseId": co.ID, "userId": creator, "profile": profile(users[co.Teacher])}}
	case "topics":
		key = "topic"
		stream("topic", co.Topics, func(id string, k int) obj {
			return obj{"topicId": id, "name": "Topic " + string(rune('A'+k)), "updateTime": when(k)}
		})
	case "courseWork":
		stream("work", co.CourseWork, func(id string, k int) obj {
			return obj{"id": id, "title": "Assignment " + string(rune('1'+k)), "description": "Do the exercises.",
				"state": "PUBLISHED", "workType": "ASSIGNMENT", "maxPoints": 10, "creationTime": when(k), "updateTime": when(k),
				"creatorUserId": creator, "topicId": s.org.CourseItemID(co, "topic", k%co.Topics),
				"materials": []obj{{"driveFile": obj{"shareMode": "VIEW", "driveFile": obj{"id": "1drive" + id, "title": "Worksheet.pdf",
					"alternateLink": "https://drive.google.com/open?id=1drive" + id}}}}}
		})
	case "courseWorkMaterials":
		key = "courseWorkMaterial"
		stream("material", co.Materials, func(id string, k int) obj {
			return obj{"id": id, "title": "Reading list", "state": "PUBLISHED", "creationTime": when(k), "updateTime": when(k),
				"creatorUserId": creator, "materials": []obj{{"link": obj{"url": "https://example.org/reading", "title": "Reading"}}}}
		})
	case "announcements":
		stream("announcement", co.Announcements, func(id string, k int) obj {
			return obj{"id": id, "text": "Welcome, week " + string(rune('1'+k)), "state": "PUBLISHED", "creationTime": when(k),
				"updateTime": when(k), "creatorUserId": creator}
		})
	default:
		return notFound("Not Found: " + r.URL.Path)
	}
	return pageOf(w, r, key, items)
}

// listSubmissions is studentSubmissions.list: teachers see every
// student's, students their own ("-" means every course work).
func (s *Server) listSubmissions(w http.ResponseWriter, r *http.Request) error {
	co, teacher, err := s.course(r)
	if err != nil {
		return err
	}
	u, users := subject(r), s.org.Users()
	var items []obj
	for k := range co.CourseWork {
		cw := s.org.CourseItemID(co, "work", k)
		if wk := r.PathValue("work"); wk != "-" && wk != cw {
			continue
		}
		for _, st := range co.Students {
			if !teacher && st != u.Index {
				continue
			}
			o := obj{"id": cw + "-" + users[st].ID, "courseId": co.ID, "courseWorkId": cw, "userId": users[st].ID,
				"state": "TURNED_IN", "courseWorkType": "ASSIGNMENT", "late": k == 2,
				"creationTime": stamp(co.Created.Add(48 * time.Hour)), "updateTime": stamp(co.Created.Add(72 * time.Hour)),
				"assignmentSubmission": obj{"attachments": []obj{}}}
			if k == 0 {
				o["state"], o["assignedGrade"] = "RETURNED", 8
			}
			items = append(items, o)
		}
	}
	return pageOf(w, r, "studentSubmissions", items)
}
