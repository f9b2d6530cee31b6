package setupcheck

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"google.golang.org/api/googleapi"

	"github.com/orgexport/orgexport/shared/delegation"
)

// probes are the products and the one call each is tried with, in the
// order of the answer. A user's products are tried as the user; what only
// administrators read (shared drives, groups, the spaces of the
// organisation, Vault) as the admin.
var probes = []probe{
	{"Directory", AsAdmin, delegation.APIDirectory, func(ctx context.Context, c *delegation.Factory, s string) error {
		svc, err := c.Directory(ctx, s)
		if err == nil {
			_, err = svc.Resources.Calendars.List("my_customer").MaxResults(1).Context(ctx).Do()
		}
		return err
	}},
	{"Gmail", AsUser, delegation.APIGmail, func(ctx context.Context, c *delegation.Factory, s string) error {
		svc, err := c.Gmail(ctx, s)
		if err == nil {
			_, err = svc.Users.Labels.List("me").Context(ctx).Do()
		}
		return err
	}},
	{"Drive", AsUser, delegation.APIDrive, func(ctx context.Context, c *delegation.Factory, s string) error {
		svc, err := c.Drive(ctx, s)
		if err == nil {
			_, err = svc.Files.List().PageSize(1).Fields("files(id)").Context(ctx).Do()
		}
		return err
	}},
	{"Drive", AsAdmin, delegation.APIDrive, func(ctx context.Context, c *delegation.Factory, s string) error {
		svc, err := c.Drive(ctx, s)
		if err == nil {
			_, err = svc.Drives.List().UseDomainAdminAccess(true).PageSize(1).Fields("drives(id)").Context(ctx).Do()
		}
		return err
	}},
	{"Calendar", AsUser, delegation.APICalendar, func(ctx context.Context, c *delegation.Factory, s string) error {
		svc, err := c.Calendar(ctx, s)
		if err == nil {
			_, err = svc.CalendarList.List().MaxResults(1).Context(ctx).Do()
		}
		return err
	}},
	{"Contacts", AsUser, delegation.APIPeople, func(ctx context.Context, c *delegation.Factory, s string) error {
		svc, err := c.People(ctx, s)
		if err == nil {
			_, err = svc.People.Connections.List("people/me").PersonFields("names").PageSize(1).Context(ctx).Do()
		}
		return err
	}},
	{"Tasks", AsUser, delegation.APITasks, func(ctx context.Context, c *delegation.Factory, s string) error {
		svc, err := c.Tasks(ctx, s)
		if err == nil {
			_, err = svc.Tasklists.List().MaxResults(1).Context(ctx).Do()
		}
		return err
	}},
	{"Keep", AsUser, delegation.APIKeep, func(ctx context.Context, c *delegation.Factory, s string) error {
		svc, err := c.Keep(ctx, s)
		if err == nil {
			_, err = svc.Notes.List().PageSize(1).Context(ctx).Do()
		}
		return err
	}},
	{"Groups", AsAdmin, delegation.APIGroupsSettings, groups},
	{"Chat", AsUser, delegation.APIChat, func(ctx context.Context, c *delegation.Factory, s string) error {
		svc, err := c.Chat(ctx, s)
		if err == nil {
			_, err = svc.Spaces.List().PageSize(1).Context(ctx).Do()
		}
		return err
	}},
	{"Chat", AsAdmin, delegation.APIChat, func(ctx context.Context, c *delegation.Factory, s string) error {
		svc, err := c.Chat(ctx, s)
		if err == nil {
			_, err = svc.Spaces.Search().UseAdminAccess(true).PageSize(1).
				Query(`customer = "customers/my_customer" AND space_type = "SPACE"`).Context(ctx).Do()
		}
		return err
	}},
	{"Classroom", AsUser, delegation.APIClassroom, func(ctx context.Context, c *delegation.Factory, s string) error {
		svc, err := c.Classroom(ctx, s)
		if err == nil {
			_, err = svc.Courses.List().PageSize(1).Context(ctx).Do()
		}
		return err
	}},
	{"Vault", AsAdmin, delegation.APIVault, func(ctx context.Context, c *delegation.Factory, s string) error {
		svc, err := c.Vault(ctx, s)
		if err == nil {
			_, err = svc.Matters.List().PageSize(1).Context(ctx).Do()
		}
		if err == nil {
			// Vault's export files are read with the admin's token too.
			err = c.CheckToken(s, delegation.APIStorage)
		}
		return err
	}},
	{"Usage reports (the estimate)", AsAdmin, delegation.APIReports, func(ctx context.Context, c *delegation.Factory, s string) error {
		svc, err := c.Reports(ctx, s)
		if err == nil {
			day := time.Now().UTC().AddDate(0, 0, -2).Format(time.DateOnly)
			_, err = svc.CustomerUsageReports.Get(day).Parameters("accounts:num_users").Context(ctx).Do()
		}
		// A date without data yet is Google answering: the API is ready.
		var ge *googleapi.Error
		if errors.As(err, &ge) && ge.Code == http.StatusBadRequest {
			return nil
		}
		return err
	}},
}

// groups reads one group's settings (a group that does not exist, when
// the organisation has none: its 404 still says the API answers).
func groups(ctx context.Context, c *delegation.Factory, s string) error {
	dir, err := c.Directory(ctx, s)
	if err != nil {
		return err
	}
	page, err := dir.Groups.List().Customer("my_customer").MaxResults(1).Fields("groups(email)").Context(ctx).Do()
	if err != nil {
		return err
	}
	email := "orgexport-setup-check@" + domainOf(s)
	if len(page.Groups) > 0 {
		email = page.Groups[0].Email
	}
	svc, err := c.GroupsSettings(ctx, s)
	if err != nil {
		return err
	}
	_, err = svc.Groups.Get(email).Context(ctx).Do()
	var ge *googleapi.Error
	if len(page.Groups) == 0 && errors.As(err, &ge) && ge.Code == http.StatusNotFound {
		return nil
	}
	return err
}

func domainOf(email string) string {
	_, d, _ := strings.Cut(email, "@")
	return d
}
