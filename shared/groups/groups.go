package groups

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	admin "google.golang.org/api/admin/directory/v1"

	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
)

// Clients makes Directory clients that act as an administrator.
type Clients interface {
	Directory(ctx context.Context, subject string) (*admin.Service, error)
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
	if cursor == "done" {
		return nil
	}
	svc, err := c.clients.Directory(ctx, a.Subject)
	if err != nil {
		return err
	}
	g, err := svc.Groups.Get(a.ID).Context(ctx).Do()
	if err != nil {
		return fmt.Errorf("group %s: %w", a.ID, err)
	}
	members, err := c.members(ctx, svc, a.ID)
	if err != nil {
		return fmt.Errorf("members of %s: %w", a.ID, err)
	}
	owners := 0
	for _, m := range members {
		if m.Role == "OWNER" {
			owners++
		}
	}
	info := map[string]any{"email": g.Email, "name": g.Name, "description": g.Description, "aliases": g.Aliases,
		"admin_created": g.AdminCreated, "direct_members_count": g.DirectMembersCount, "ownerless": owners == 0}
	now := c.now()
	if err := writeJSON(e, "Groups/info.json", now, info); err != nil {
		return err
	}
	if err := writeJSON(e, "Groups/members.json", now, members); err != nil {
		return err
	}
	return e.Checkpoint(ctx, "done")
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

func writeJSON(e connector.Emitter, path string, mod time.Time, v any) error {
	w, err := e.Create(connector.Entry{Path: path, Modified: mod, Content: connector.Compressible})
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
