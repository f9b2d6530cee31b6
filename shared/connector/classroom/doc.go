// Package classroom is the Classroom connector: every course a user
// teaches or attends, as one JSON file per course:
//
//	Classroom/<course name>.json
//	  {"course", "teachers", "students", "topics",
//	   "courseWork": [{…, "studentSubmissions": […]}],
//	   "courseWorkMaterials", "announcements"}
//
// The objects are the Classroom API's resources as it returns them, read
// as the user: a teacher's file holds every student's submissions, a
// student's only their own. Drive attachments are referenced by link
// (materials' driveFile.alternateLink), not copied: the files themselves
// are in their owners' Drive exports. The file follows classroom.schema.json.
//
// # Which courses
//
// courses.list alone returns "the courses the requesting user is
// permitted to view" — for an administrator every course of the domain —
// so the connector lists teacherId=me and studentId=me and merges them.
//
// # Resuming
//
// Courses are written in id order; the cursor is the number of courses
// written. Equal course names get a suffix from the course id.
package classroom
