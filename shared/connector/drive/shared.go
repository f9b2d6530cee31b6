package drive

import (
	"context"
	"fmt"
	"sort"

	"google.golang.org/api/drive/v3"

	"github.com/orgexport/orgexport/shared/connector"
)

// maxReaders bounds how many of a shared drive's members are tried as its
// reader.
const maxReaders = 5

// roleRank orders a shared drive's members as readers: organizers first.
var roleRank = map[string]int{"organizer": 0, "fileOrganizer": 1, "writer": 2, "commenter": 3, "reader": 4}

// sharedReader finds whom to read a shared drive as. Drive answers 404 to
// anyone not a member, administrators included: useDomainAdminAccess opens
// a drive's metadata and permissions, not its files. So the administrator
// lists the drive's members and the drive is read as one of them,
// organizers first, trying up to maxReaders; a drive with no member left
// (or none that domain-wide delegation can act as) is unsupported, with
// the reason.
func (c *Connector) sharedReader(ctx context.Context, a connector.Account) (string, *drive.Service, error) {
	admin, err := c.clients.Drive(ctx, a.Subject)
	if err != nil {
		return "", nil, err
	}
	members, err := driveMembers(ctx, admin, a.ID)
	if err != nil {
		return "", nil, fmt.Errorf("members of shared drive %s: %w", a.ID, err)
	}
	if len(members) == 0 {
		return "", nil, fmt.Errorf("%w: shared drive %s has no member left to read its files as (Drive lets administrators see a shared drive's members, not its files); add a member to it and export again", connector.ErrUnsupported, a.ID)
	}
	var last error
	for i, m := range members {
		if i == maxReaders {
			break
		}
		svc, err := c.clients.Drive(ctx, m)
		if err != nil {
			return "", nil, err
		}
		_, err = svc.Files.List().Corpora("drive").DriveId(a.ID).IncludeItemsFromAllDrives(true).SupportsAllDrives(true).
			PageSize(1).Fields("files(id)").Context(ctx).Do()
		if err == nil {
			return m, svc, nil
		}
		if ctx.Err() != nil {
			return "", nil, ctx.Err()
		}
		last = err
	}
	return "", nil, fmt.Errorf("%w: no member of shared drive %s could be read as (the last one tried was refused: %v)", connector.ErrUnsupported, a.ID, last)
}

// driveMembers lists the users of a shared drive, with the administrator's
// access, by role (organizers first) and then email.
func driveMembers(ctx context.Context, admin *drive.Service, driveID string) ([]string, error) {
	type member struct {
		email string
		rank  int
	}
	var ms []member
	err := admin.Permissions.List(driveID).UseDomainAdminAccess(true).SupportsAllDrives(true).PageSize(100).
		Fields("nextPageToken,permissions(type,role,emailAddress,deleted)").Pages(ctx, func(p *drive.PermissionList) error {
		for _, pm := range p.Permissions {
			rank, ok := roleRank[pm.Role]
			if pm.Type != "user" || pm.Deleted || pm.EmailAddress == "" || !ok {
				continue // groups, domains and anyone cannot be acted as
			}
			ms = append(ms, member{pm.EmailAddress, rank})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(ms, func(i, j int) bool {
		if ms[i].rank != ms[j].rank {
			return ms[i].rank < ms[j].rank
		}
		return ms[i].email < ms[j].email
	})
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.email
	}
	return out, nil
}
