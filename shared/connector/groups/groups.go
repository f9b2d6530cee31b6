package groups

import (
	"context"
	_ "embed"
	"fmt"
	"time"

	admin "google.golang.org/api/admin/directory/v1"
	"google.golang.org/api/groupssettings/v1"

	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
)

// Clients makes Directory and Groups Settings clients that act as an
// administrator.
type Clients interface {
	Directory(ctx context.Context, subject string) (*admin.Service, error)
	GroupsSettings(ctx context.Context, subject string) (*groupssettings.Service, error)
}

// Connector exports groups.
type Connector struct {
	clients Clients
	now     func() time.Time
}

var _ connector.Connector = (*Connector)(nil)

// New returns a Groups connector.
func New(clients Clients) *Connector { return &Connector{clients: clients, now: time.Now} }

// Product implements connector.Connector.
func (c *Connector) Product() export.Product { return export.Groups }

// Handles implements connector.Connector: group accounts.
func (c *Connector) Handles(a connector.Account) bool { return a.Type == export.Group }

// Member is one line of members.json.
type Member struct {
	Email  string `json:"email,omitempty"`
	ID     string `json:"id"`
	Role   string `json:"role"`
	Type   string `json:"type"`
	Status string `json:"status,omitempty"`
}

// Export implements connector.Connector. The files are small and written
// whole, so the cursor is unused.
func (c *Connector) Export(ctx context.Context, a connector.Account, cursor string, e connector.Emitter) error {
	return c.export(ctx, a, cursor, nil, e)
}

var _ connector.ItemExporter = (*Connector)(nil)

// ExportItems implements connector.ItemExporter. A group's one item is
// the group (its id): its three files are written as Export writes them;
// a group the Directory no longer has (404) was deleted since the export.
func (c *Connector) ExportItems(ctx context.Context, a connector.Account, ids []string, cursor string, e connector.Emitter) error {
	return c.export(ctx, a, cursor, connector.Want(ids), e)
}

// export writes the group's files if want has it (nil: always).
func (c *Connector) export(ctx context.Context, a connector.Account, cursor string, want *connector.Wanted, e connector.Emitter) error {
	if cursor == "done" {
		return nil
	}
	svc, err := c.clients.Directory(ctx, a.Subject)
	if err != nil {
		return err
	}
	g, err := svc.Groups.Get(a.ID).Context(ctx).Do()
	if want != nil && connector.NotFound(err) {
		want.Gone(e, export.Groups)
		return nil
	}
	if err != nil {
		return fmt.Errorf("group %s: %w", a.ID, err)
	}
	if !want.Has(g.Id) {
		want.Gone(e, export.Groups)
		return nil
	}
	members, err := c.members(ctx, svc, a.ID)
	if err != nil {
		return fmt.Errorf("members of %s: %w", a.ID, err)
	}
	settings, err := c.settings(ctx, a)
	if err != nil {
		return fmt.Errorf("settings of %s: %w", a.ID, err)
	}
	owners := 0
	for _, m := range members {
		if m.Role == "OWNER" {
			owners++
		}
	}
	info := Info{ID: g.Id, Email: g.Email, Name: g.Name, Description: g.Description, Aliases: g.Aliases,
		AdminCreated: g.AdminCreated, DirectMembersCount: g.DirectMembersCount, Ownerless: owners == 0}
	if info.Aliases == nil {
		info.Aliases = []string{}
	}
	now := c.now()
	if err := connector.WriteJSON(e, "Groups/info.json", now, info); err != nil {
		return err
	}
	e.Item(g.Id)
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := connector.WriteJSON(e, "Groups/members.json", now, members); err != nil {
		return err
	}
	if err := connector.WriteJSON(e, "Groups/settings.json", now, settings); err != nil {
		return err
	}
	want.Gone(e, export.Groups)
	return e.Checkpoint(ctx, "done")
}

// Info is info.json.
type Info struct {
	ID                 string   `json:"id"`
	Email              string   `json:"email"`
	Name               string   `json:"name"`
	Description        string   `json:"description"`
	Aliases            []string `json:"aliases"`
	AdminCreated       bool     `json:"admin_created"`
	DirectMembersCount int64    `json:"direct_members_count"`
	Ownerless          bool     `json:"ownerless"`
}

// settings reads the group's settings (Groups Settings API, as JSON).
func (c *Connector) settings(ctx context.Context, a connector.Account) (*groupssettings.Groups, error) {
	svc, err := c.clients.GroupsSettings(ctx, a.Subject)
	if err != nil {
		return nil, err
	}
	return svc.Groups.Get(a.ID).Context(ctx).Do()
}

func (c *Connector) members(ctx context.Context, svc *admin.Service, group string) ([]Member, error) {
	out := []Member{}
	token := ""
	for {
		page, err := svc.Members.List(group).MaxResults(200).PageToken(token).Context(ctx).Do()
		if err != nil {
			return nil, err
		}
		for _, m := range page.Members {
			out = append(out, Member{Email: m.Email, ID: m.Id, Role: m.Role, Type: m.Type, Status: m.Status})
		}
		if token = page.NextPageToken; token == "" {
			return out, nil
		}
	}
}

// Schema is the JSON Schema of the files: #/$defs/info, #/$defs/members and
// #/$defs/settings.
//
//go:embed groups.schema.json
var Schema []byte
