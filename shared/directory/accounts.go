package directory

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/sync/errgroup"
)

// Group is a group account (R6), with whether it has no owner.
type Group struct {
	ID, Email, Name string
	Members         int64 // directMembersCount
	Ownerless       bool
}

// Groups reads one page of groups (up to 200) with their owners checked.
func (r *Reader) Groups(ctx context.Context, pageToken string) ([]Group, string, error) {
	svc, err := r.dir(ctx)
	if err != nil {
		return nil, "", err
	}
	page, err := svc.Groups.List().Customer(myCustomer).MaxResults(200).PageToken(pageToken).
		Fields("nextPageToken,groups(id,email,name,directMembersCount)").Context(ctx).Do()
	if err != nil {
		return nil, "", fmt.Errorf("directory: list groups: %w", err)
	}
	out := make([]Group, len(page.Groups))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(4)
	for i, gr := range page.Groups {
		out[i] = Group{ID: gr.Id, Email: gr.Email, Name: gr.Name, Members: gr.DirectMembersCount}
		g.Go(func() error {
			owners, err := svc.Members.List(gr.Id).Roles("OWNER").MaxResults(1).
				Fields("members(id)").Context(gctx).Do()
			if err != nil {
				return fmt.Errorf("directory: owners of group %s: %w", gr.Email, err)
			}
			out[i].Ownerless = len(owners.Members) == 0
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, "", err
	}
	return out, page.NextPageToken, nil
}

// Resource is a calendar resource, whose bookings are customer-owned data.
type Resource struct {
	ID, Name, Email string
}

// Resources reads one page of calendar resources (up to 500).
func (r *Reader) Resources(ctx context.Context, pageToken string) ([]Resource, string, error) {
	svc, err := r.dir(ctx)
	if err != nil {
		return nil, "", err
	}
	page, err := svc.Resources.Calendars.List(myCustomer).MaxResults(500).PageToken(pageToken).
		Fields("nextPageToken,items(resourceId,resourceName,resourceEmail)").Context(ctx).Do()
	if err != nil {
		return nil, "", fmt.Errorf("directory: list calendar resources: %w", err)
	}
	out := make([]Resource, 0, len(page.Items))
	for _, it := range page.Items {
		out = append(out, Resource{ID: it.ResourceId, Name: it.ResourceName, Email: it.ResourceEmail})
	}
	return out, page.NextPageToken, nil
}

// SharedDrive is a shared drive, exported as customer-owned data.
type SharedDrive struct {
	ID, Name string
	Created  time.Time
}

// SharedDrives reads one page of the organisation's shared drives (up to
// 100), as an administrator sees them (useDomainAdminAccess): all of them,
// not only those the admin is a member of.
func (r *Reader) SharedDrives(ctx context.Context, pageToken string) ([]SharedDrive, string, error) {
	svc, err := r.clients.Drive(ctx, r.admin)
	if err != nil {
		return nil, "", err
	}
	page, err := svc.Drives.List().UseDomainAdminAccess(true).PageSize(100).PageToken(pageToken).
		Fields("nextPageToken,drives(id,name,createdTime)").Context(ctx).Do()
	if err != nil {
		return nil, "", fmt.Errorf("directory: list shared drives: %w", err)
	}
	out := make([]SharedDrive, 0, len(page.Drives))
	for _, d := range page.Drives {
		sd := SharedDrive{ID: d.Id, Name: d.Name}
		sd.Created, _ = time.Parse(time.RFC3339, d.CreatedTime)
		out = append(out, sd)
	}
	return out, page.NextPageToken, nil
}
