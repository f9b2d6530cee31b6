package workspace

import (
	"context"

	"google.golang.org/api/chat/v1"
	"google.golang.org/api/classroom/v1"
	"google.golang.org/api/groupssettings/v1"
	"google.golang.org/api/keep/v1"
	"google.golang.org/api/tasks/v1"
)

// API names of the products beyond mail, files, calendars and contacts.
const (
	APITasks          = "tasks"
	APIKeep           = "keep"
	APIGroupsSettings = "groupssettings"
	APIChat           = "chat"
	APIClassroom      = "classroom"
)

// Tasks returns a Tasks client acting as subject.
func (f *Factory) Tasks(ctx context.Context, subject string) (*tasks.Service, error) {
	return wrap(tasks.NewService(ctx, f.options(ctx, subject, APITasks, "")...))
}

// Keep returns a Keep client acting as subject. The Keep API serves
// enterprise accounts through domain-wide delegation only.
func (f *Factory) Keep(ctx context.Context, subject string) (*keep.Service, error) {
	return wrap(keep.NewService(ctx, f.options(ctx, subject, APIKeep, "")...))
}

// GroupsSettings returns a Groups Settings client acting as subject (an
// administrator).
func (f *Factory) GroupsSettings(ctx context.Context, subject string) (*groupssettings.Service, error) {
	return wrap(groupssettings.NewService(ctx, f.options(ctx, subject, APIGroupsSettings, "groups/v1/groups/")...))
}

// Chat returns a Chat client acting as subject.
func (f *Factory) Chat(ctx context.Context, subject string) (*chat.Service, error) {
	return wrap(chat.NewService(ctx, f.options(ctx, subject, APIChat, "")...))
}

// Classroom returns a Classroom client acting as subject.
func (f *Factory) Classroom(ctx context.Context, subject string) (*classroom.Service, error) {
	return wrap(classroom.NewService(ctx, f.options(ctx, subject, APIClassroom, "")...))
}
