package directory

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	admin "google.golang.org/api/admin/directory/v1"
	"google.golang.org/api/googleapi"

	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/connector/chat"
	"github.com/orgexport/orgexport/shared/connector/vault"
	"github.com/orgexport/orgexport/shared/control"
	"github.com/orgexport/orgexport/shared/delegation"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/pipeline"
)

// Directory reads the Admin SDK Directory (and Drive's shared drives, Chat's
// spaces) for the control and data planes, impersonating an admin of the
// organisation.
type Directory struct {
	clients *delegation.Factory
}

// New reads the Directory through clients.
func New(clients *delegation.Factory) *Directory { return &Directory{clients: clients} }

var (
	_ control.Directory  = (*Directory)(nil)
	_ pipeline.Directory = (*Directory)(nil)
)

// denied reports whether err says the subject may not do this: not an
// administrator, no such user, or no token for them at all (the token
// endpoint refuses the grant). A 401 from the API itself is a bad token of
// ours, not an answer about the person, so it is an error.
func denied(err error) bool {
	var ge *googleapi.Error
	if errors.As(err, &ge) {
		return ge.Code == http.StatusForbidden || ge.Code == http.StatusNotFound
	}
	return strings.Contains(err.Error(), "unauthorized_client") || strings.Contains(err.Error(), "invalid_grant") ||
		strings.Contains(err.Error(), "access_denied")
}

// scopeMissing reports whether err is the delegation's lack of a scope.
func scopeMissing(err error) bool { return errors.Is(err, delegation.ErrScopeNotAuthorised) }

// roleAnswer reads err, of a call made as a person about themselves, as
// the Directory's answer about that person, or as no answer at all (nil):
// ErrNotSuperAdmin when the Directory refuses them as not authorised,
// ErrUnknownUser when the account no longer exists. Quota and rate limits,
// an API that is not enabled, a delegation that lacks a scope
// (unauthorized_client), server errors and the like say nothing of the
// person: R3c must not cancel an export on them.
func roleAnswer(err error) error {
	var ge *googleapi.Error
	if errors.As(err, &ge) {
		reason := ""
		if len(ge.Errors) > 0 {
			reason = ge.Errors[0].Reason
		}
		switch {
		case ge.Code == http.StatusNotFound && (reason == "" || reason == "notFound" || reason == "userNotFound"):
			return control.ErrUnknownUser
		case ge.Code == http.StatusForbidden && (reason == "" || reason == "forbidden" || reason == "notAuthorized" || reason == "insufficientPermissions"):
			return control.ErrNotSuperAdmin
		}
		return nil
	}
	// The token endpoint's word that the subject does not exist (a deleted
	// account); every other refusal of the grant is a configuration or
	// transient error of ours.
	if msg := err.Error(); strings.Contains(msg, "invalid_grant") && strings.Contains(msg, "Invalid email or User ID") {
		return control.ErrUnknownUser
	}
	return nil
}

// Lookup implements control.Directory. It reads the caller's own record as
// the caller: only administrators may read the Directory, so anyone else is
// reported as not a super administrator.
func (d *Directory) Lookup(ctx context.Context, email string) (control.Org, export.Requester, error) {
	req := export.Requester{Email: email}
	svc, err := d.clients.Directory(ctx, email)
	if err != nil {
		return control.Org{}, req, fmt.Errorf("directory client for %s: %w", email, err)
	}
	u, err := svc.Users.Get(email).Context(ctx).Do()
	if err != nil {
		if se := (*delegation.ScopeError)(nil); errors.As(err, &se) {
			// Not an answer about the person: the organisation has not
			// authorised what the Directory needs, and the admin can fix it.
			return control.Org{}, req, &control.SetupError{Reason: se.Error()}
		}
		if answer := roleAnswer(err); answer != nil {
			return control.Org{}, req, answer
		}
		return control.Org{}, req, fmt.Errorf("look up %s: %w", email, err)
	}
	req.IsSuperAdmin, req.Enrolled2SV, req.Enforced2SV = u.IsAdmin, u.IsEnrolledIn2Sv, u.IsEnforcedIn2Sv
	req.Created, _ = time.Parse(time.RFC3339, u.CreationTime)
	if !u.IsAdmin {
		return control.Org{CustomerID: u.CustomerId, Domain: domainOf(email)}, req, nil
	}
	org, err := d.org(ctx, svc)
	return org, req, err
}

func domainOf(email string) string {
	_, d, _ := strings.Cut(email, "@")
	return strings.ToLower(d)
}

// org reads the customer.
func (d *Directory) org(ctx context.Context, svc *admin.Service) (control.Org, error) {
	c, err := svc.Customers.Get("my_customer").Context(ctx).Do()
	if err != nil {
		return control.Org{}, fmt.Errorf("read customer: %w", err)
	}
	org := control.Org{CustomerID: c.Id, Domain: strings.ToLower(c.CustomerDomain)}
	org.Created, _ = time.Parse(time.RFC3339, c.CustomerCreationTime)
	return org, nil
}

// CountUsers implements control.Directory: the organisation's users, counted
// up to the limit of R1d (only a start needs it; status calls do not pay
// for it).
func (d *Directory) CountUsers(ctx context.Context, asUser string) (int, error) {
	svc, err := d.clients.Directory(ctx, asUser)
	if err != nil {
		return 0, err
	}
	n, token := 0, ""
	for {
		page, err := svc.Users.List().Customer("my_customer").MaxResults(500).PageToken(token).
			Fields("nextPageToken", "users(id)").Context(ctx).Do()
		if err != nil {
			return 0, fmt.Errorf("count users: %w", err)
		}
		n += len(page.Users)
		if token = page.NextPageToken; token == "" || n >= export.MaxUsers {
			return n, nil
		}
	}
}

// SuperAdmins implements control.Directory.
func (d *Directory) SuperAdmins(ctx context.Context, org control.Org, asUser string) ([]string, error) {
	svc, err := d.clients.Directory(ctx, asUser)
	if err != nil {
		return nil, err
	}
	var out []string
	token := ""
	for {
		page, err := svc.Users.List().Customer("my_customer").Query("isAdmin=true").MaxResults(500).
			PageToken(token).Fields("nextPageToken", "users(primaryEmail,suspended)").Context(ctx).Do()
		if err != nil {
			return nil, fmt.Errorf("list super administrators: %w", err)
		}
		for _, u := range page.Users {
			if !u.Suspended {
				out = append(out, strings.ToLower(u.PrimaryEmail))
			}
		}
		if token = page.NextPageToken; token == "" {
			return out, nil
		}
	}
}

// Accounts implements pipeline.Directory.
func (d *Directory) Accounts(ctx context.Context, kind pipeline.Kind, domain, adminEmail, cursor string) ([]pipeline.Listed, string, error) {
	switch kind {
	case pipeline.Users:
		return d.users(ctx, adminEmail, cursor)
	case pipeline.Groups:
		return d.groups(ctx, adminEmail, cursor)
	case pipeline.SharedDrives:
		return d.sharedDrives(ctx, adminEmail, cursor)
	case pipeline.CalendarResources:
		return d.resources(ctx, adminEmail, cursor)
	case pipeline.ChatSpaces:
		return d.chatSpaces(ctx, adminEmail, cursor)
	case pipeline.Vault:
		// Always listed: the connector finds out whether the organisation
		// has Vault, and says why not if it has none (R7b).
		return []pipeline.Listed{{Account: connector.Account{Type: export.Customer, ID: vault.AccountID,
			Name: "Google Vault", Kind: vault.Kind, Subject: adminEmail}}}, "", nil
	}
	return nil, "", fmt.Errorf("unknown kind of account %d", kind)
}

func (d *Directory) users(ctx context.Context, adminEmail, cursor string) ([]pipeline.Listed, string, error) {
	svc, err := d.clients.Directory(ctx, adminEmail)
	if err != nil {
		return nil, "", err
	}
	page, err := svc.Users.List().Customer("my_customer").MaxResults(500).PageToken(cursor).OrderBy("email").
		Fields("nextPageToken", "users(primaryEmail,creationTime,suspended)").Context(ctx).Do()
	if err != nil {
		return nil, "", err
	}
	out := make([]pipeline.Listed, 0, len(page.Users))
	for _, u := range page.Users {
		created, _ := time.Parse(time.RFC3339, u.CreationTime)
		email := strings.ToLower(u.PrimaryEmail)
		out = append(out, pipeline.Listed{Created: created,
			Account: connector.Account{Type: export.User, ID: email, Subject: email, Suspended: u.Suspended}})
	}
	return out, page.NextPageToken, nil
}

func (d *Directory) groups(ctx context.Context, adminEmail, cursor string) ([]pipeline.Listed, string, error) {
	svc, err := d.clients.Directory(ctx, adminEmail)
	if err != nil {
		return nil, "", err
	}
	page, err := svc.Groups.List().Customer("my_customer").MaxResults(200).PageToken(cursor).
		Fields("nextPageToken", "groups(email,name)").Context(ctx).Do()
	if err != nil {
		return nil, "", err
	}
	out := make([]pipeline.Listed, 0, len(page.Groups))
	for _, g := range page.Groups {
		out = append(out, pipeline.Listed{Account: connector.Account{Type: export.Group,
			ID: strings.ToLower(g.Email), Name: g.Name, Subject: adminEmail}})
	}
	return out, page.NextPageToken, nil
}

func (d *Directory) sharedDrives(ctx context.Context, adminEmail, cursor string) ([]pipeline.Listed, string, error) {
	svc, err := d.clients.Drive(ctx, adminEmail)
	if err != nil {
		return nil, "", err
	}
	page, err := svc.Drives.List().UseDomainAdminAccess(true).PageSize(100).PageToken(cursor).
		Fields("nextPageToken", "drives(id,name)").Context(ctx).Do()
	if err != nil && scopeMissing(err) && cursor == "" {
		// No Drive at all: every user's Drive fails with the same reason,
		// and the export lists Drive as unsupported with the fix.
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	out := make([]pipeline.Listed, 0, len(page.Drives))
	for _, dr := range page.Drives {
		out = append(out, pipeline.Listed{Account: connector.Account{Type: export.Customer, ID: dr.Id,
			Name: dr.Name, Kind: "shared-drive", Subject: adminEmail}})
	}
	return out, page.NextPageToken, nil
}

func (d *Directory) resources(ctx context.Context, adminEmail, cursor string) ([]pipeline.Listed, string, error) {
	svc, err := d.clients.Directory(ctx, adminEmail)
	if err != nil {
		return nil, "", err
	}
	page, err := svc.Resources.Calendars.List("my_customer").MaxResults(500).PageToken(cursor).
		Fields("nextPageToken", "items(resourceEmail,resourceName)").Context(ctx).Do()
	if err != nil {
		return nil, "", err
	}
	out := make([]pipeline.Listed, 0, len(page.Items))
	for _, r := range page.Items {
		out = append(out, pipeline.Listed{Account: connector.Account{Type: export.Customer, ID: r.ResourceEmail,
			Name: r.ResourceName, Kind: "calendar-resource", Subject: adminEmail}})
	}
	return out, page.NextPageToken, nil
}

// chatSpaces lists the named spaces of the organisation with the admin's
// search (useAdminAccess); the account id is the space's id.
func (d *Directory) chatSpaces(ctx context.Context, adminEmail, cursor string) ([]pipeline.Listed, string, error) {
	svc, err := d.clients.Chat(ctx, adminEmail)
	if err != nil {
		return nil, "", err
	}
	page, err := svc.Spaces.Search().UseAdminAccess(true).PageSize(1000).PageToken(cursor).
		Query(`customer = "customers/my_customer" AND space_type = "SPACE"`).Context(ctx).Do()
	if err != nil && (denied(err) || scopeMissing(err)) && cursor == "" {
		// Not skipped silently: one account stands for the spaces, and the
		// Chat connector reports it as unsupported with the reason.
		return []pipeline.Listed{{Account: connector.Account{Type: export.Customer, ID: chat.UnlistedID,
			Name: "Chat spaces", Kind: chat.KindUnlisted, Subject: adminEmail}}}, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	out := make([]pipeline.Listed, 0, len(page.Spaces))
	for _, sp := range page.Spaces {
		out = append(out, pipeline.Listed{Account: connector.Account{Type: export.Customer,
			ID: strings.TrimPrefix(sp.Name, "spaces/"), Name: sp.DisplayName, Kind: chat.KindSpace, Subject: adminEmail}})
	}
	return out, page.NextPageToken, nil
}
