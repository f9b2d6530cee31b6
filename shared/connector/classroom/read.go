package classroom

import (
	"context"

	"google.golang.org/api/classroom/v1"
)

// read gathers a course's roster and stream, a page of 100 at a time.
func read(ctx context.Context, svc *classroom.Service, co *classroom.Course) (*Course, error) {
	f := &Course{Course: co, Teachers: []*classroom.Teacher{}, Students: []*classroom.Student{}, Topics: []*classroom.Topic{},
		CourseWork: []Work{}, CourseWorkMaterials: []*classroom.CourseWorkMaterial{}, Announcements: []*classroom.Announcement{}}
	id := co.Id
	steps := []func() error{
		func() error {
			return svc.Courses.Teachers.List(id).PageSize(100).Pages(ctx, func(p *classroom.ListTeachersResponse) error {
				f.Teachers = append(f.Teachers, p.Teachers...)
				return nil
			})
		},
		func() error {
			return svc.Courses.Students.List(id).PageSize(100).Pages(ctx, func(p *classroom.ListStudentsResponse) error {
				f.Students = append(f.Students, p.Students...)
				return nil
			})
		},
		func() error {
			return svc.Courses.Topics.List(id).PageSize(100).Pages(ctx, func(p *classroom.ListTopicResponse) error {
				f.Topics = append(f.Topics, p.Topic...)
				return nil
			})
		},
		func() error {
			return svc.Courses.CourseWorkMaterials.List(id).PageSize(100).Pages(ctx, func(p *classroom.ListCourseWorkMaterialResponse) error {
				f.CourseWorkMaterials = append(f.CourseWorkMaterials, p.CourseWorkMaterial...)
				return nil
			})
		},
		func() error {
			return svc.Courses.Announcements.List(id).PageSize(100).Pages(ctx, func(p *classroom.ListAnnouncementsResponse) error {
				f.Announcements = append(f.Announcements, p.Announcements...)
				return nil
			})
		},
		func() error { return readWork(ctx, svc, f) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// readWork lists the course work, then every submission the user may see
// ("-": all course work at once), and files each under its work.
func readWork(ctx context.Context, svc *classroom.Service, f *Course) error {
	id := f.Course.Id
	index := map[string]int{}
	err := svc.Courses.CourseWork.List(id).PageSize(100).Pages(ctx, func(p *classroom.ListCourseWorkResponse) error {
		for _, w := range p.CourseWork {
			index[w.Id] = len(f.CourseWork)
			f.CourseWork = append(f.CourseWork, Work{CourseWork: w, StudentSubmissions: []*classroom.StudentSubmission{}})
		}
		return nil
	})
	if err != nil || len(f.CourseWork) == 0 {
		return err
	}
	return svc.Courses.CourseWork.StudentSubmissions.List(id, "-").PageSize(100).Pages(ctx, func(p *classroom.ListStudentSubmissionsResponse) error {
		for _, s := range p.StudentSubmissions {
			if i, ok := index[s.CourseWorkId]; ok {
				f.CourseWork[i].StudentSubmissions = append(f.CourseWork[i].StudentSubmissions, s)
			}
		}
		return nil
	})
}
