package delegation

import (
	"context"

	reports "google.golang.org/api/admin/reports/v1"
	"google.golang.org/api/chat/v1"
	"google.golang.org/api/classroom/v1"
	"google.golang.org/api/groupssettings/v1"
	"google.golang.org/api/keep/v1"
	"google.golang.org/api/storage/v1"
	"google.golang.org/api/tasks/v1"
	"google.golang.org/api/vault/v1"
)

// API names of the products beyond mail, files, calendars and contacts.
const (
	APITasks          = "tasks"
	APIKeep           = "keep"
	APIGroupsSettings = "groupssettings"
	APIChat           = "chat"
	APIClassroom      = "classroom"
	APIVault          = "vault"
	APIStorage        = "storage"
	APIReports        = "reports"
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

// Vault returns a Vault client acting as subject (an administrator with
// Vault privileges).
func (f *Factory) Vault(ctx context.Context, subject string) (*vault.Service, error) {
	return wrap(vault.NewService(ctx, f.options(ctx, subject, APIVault, "")...))
}

// Storage returns a Cloud Storage client acting as subject through
// domain-wide delegation: Vault's export files are read with the token of
// the administrator who made the export, not the service's own identity.
func (f *Factory) Storage(ctx context.Context, subject string) (*storage.Service, error) {
	return wrap(storage.NewService(ctx, f.options(ctx, subject, APIStorage, "storage/v1/")...))
}

// Reports returns an Admin SDK Reports client acting as subject (an
// administrator): the usage reports the estimate reads.
func (f *Factory) Reports(ctx context.Context, subject string) (*reports.Service, error) {
	return wrap(reports.NewService(ctx, f.options(ctx, subject, APIReports, "")...))
}
