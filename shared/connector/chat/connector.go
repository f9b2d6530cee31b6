package chat

import (
	"context"
	"fmt"
	"iter"
	"strconv"
	"strings"
	"time"

	admin "google.golang.org/api/admin/directory/v1"
	"google.golang.org/api/chat/v1"

	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/pacer"
)

// Clients makes Chat clients that act as a user, and Directory clients
// (as the administrator) to resolve a space's members.
type Clients interface {
	Chat(ctx context.Context, subject string) (*chat.Service, error)
	Directory(ctx context.Context, subject string) (*admin.Service, error)
}

// Options tune the connector. The zero value means the defaults.
type Options struct {
	// Now stamps the info files (default time.Now).
	Now func() time.Time
}

// Connector exports Chat.
type Connector struct {
	clients Clients
	opts    Options
}

var _ connector.Connector = (*Connector)(nil)

// KindSpace is the Kind of customer-owned accounts that are Chat spaces.
const KindSpace = "chat-space"

// KindUnlisted (with the account id UnlistedID) stands for the spaces of an
// organisation whose administrator's search of spaces was refused: the
// connector reports it as unsupported, with the reason, instead of the
// spaces vanishing from the export.
const (
	KindUnlisted = "chat-spaces-unlisted"
	UnlistedID   = "chat-spaces"
)

// New returns a Chat connector.
func New(clients Clients, opts Options) *Connector {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Connector{clients: clients, opts: opts}
}

// Product implements connector.Connector.
func (c *Connector) Product() export.Product { return export.Chat }

// Handles implements connector.Connector: users (their DMs and group chats)
// and customer-owned spaces.
func (c *Connector) Handles(a connector.Account) bool {
	return a.Type == export.User || (a.Type == export.Customer && (a.Kind == KindSpace || a.Kind == KindUnlisted))
}

// Export implements connector.Connector.
func (c *Connector) Export(ctx context.Context, a connector.Account, cursor string, e connector.Emitter) error {
	return c.export(ctx, a, cursor, nil, e)
}

var _ connector.ItemExporter = (*Connector)(nil)

// ExportItems implements connector.ItemExporter: ids are messages' and
// attachments' resource names, which name their space
// ("spaces/S/messages/M[/attachments/A]"). Each space holding asked-for
// ids is written as Export writes it, through the same code — its
// group_info.json, and messages.json and messages.html with only the
// asked-for messages, and only the asked-for attachments, named as among
// all the space's — and a name its space no longer lists (or a space the
// account no longer has) was deleted since the export.
func (c *Connector) ExportItems(ctx context.Context, a connector.Account, ids []string, cursor string, e connector.Emitter) error {
	return c.export(ctx, a, cursor, connector.Want(ids), e)
}

// export writes what want has (nil: everything) of a's spaces.
func (c *Connector) export(ctx context.Context, a connector.Account, cursor string, want *connector.Wanted, e connector.Emitter) error {
	if a.Kind == KindUnlisted {
		return fmt.Errorf("%w: the Chat API refused the administrator's search of the organisation's spaces (spaces.search with useAdminAccess); enable the Chat API, configure a Chat app in the project and grant the chat.admin scopes", connector.ErrUnsupported)
	}
	if a.Type == export.Customer {
		if cursor == "1" {
			return nil
		}
		if err := c.exportSpace(ctx, a, want, e); err != nil {
			return err
		}
		want.Gone(e, export.Chat)
		return e.Checkpoint(ctx, "1")
	}
	return c.exportUser(ctx, a, cursor, want, e)
}

func (c *Connector) exportUser(ctx context.Context, a connector.Account, cursor string, want *connector.Wanted, e connector.Emitter) error {
	svc, err := c.clients.Chat(ctx, a.Subject)
	if err != nil {
		return err
	}
	spaces, err := userSpaces(ctx, svc)
	if err != nil {
		return fmt.Errorf("chat spaces of %s: %w", a.ID, err)
	}
	if len(spaces) == 0 {
		want.Gone(e, export.Chat)
		return nil
	}
	done := -1
	if cursor != "" {
		if done, err = strconv.Atoi(cursor); err != nil || done < 0 {
			return fmt.Errorf("chat: bad cursor %q", cursor)
		}
	}
	if done < 0 && want != nil { // user_info.json is in the export retried
		done = 0
	}
	if done < 0 {
		if err := connector.WriteJSON(e, "Google Chat/Users/"+folder(a.ID)+"/user_info.json", c.opts.Now(), userInfo(a, spaces)); err != nil {
			return err
		}
		if err := e.Checkpoint(ctx, "0"); err != nil {
			return err
		}
		done = 0
	}
	for i, sp := range spaces {
		if i < done {
			want.Passed(sp.Name + "/")
			continue
		}
		if !want.Within(sp.Name + "/") {
			continue
		}
		members, err := listMembers(ctx, svc, sp.Name, false)
		if err != nil {
			return fmt.Errorf("members of %s: %w", sp.Name, err)
		}
		if err := c.writeSpace(ctx, svc, e, sp, members, want); err != nil {
			return err
		}
		want.GoneWithin(e, export.Chat, sp.Name+"/")
		if err := e.Checkpoint(ctx, strconv.Itoa(i+1)); err != nil {
			return err
		}
	}
	want.Gone(e, export.Chat) // of spaces the user is no longer in
	return nil
}

// exportSpace reads a named space's record and members as the admin, and
// its messages as one of its members.
func (c *Connector) exportSpace(ctx context.Context, a connector.Account, want *connector.Wanted, e connector.Emitter) error {
	admin, err := c.clients.Chat(ctx, a.Subject)
	if err != nil {
		return err
	}
	name := "spaces/" + a.ID
	if !want.Within(name + "/") {
		return nil
	}
	sp, err := admin.Spaces.Get(name).UseAdminAccess(true).Context(ctx).Do()
	if err != nil {
		return fmt.Errorf("space %s: %w", name, err)
	}
	members, err := listMembers(ctx, admin, name, true)
	if err != nil {
		return fmt.Errorf("members of %s: %w", name, err)
	}
	if err := c.resolve(ctx, a.Subject, members); err != nil {
		return fmt.Errorf("members of %s: %w", name, err)
	}
	svc, err := c.reader(ctx, name, members)
	if err != nil {
		return err
	}
	return c.writeSpace(ctx, svc, e, sp, members, want)
}

// maxReaders bounds how many members are tried as the reader of a space.
const maxReaders = 5

// reader finds a member of the space the messages can be read as: a
// joined person whom domain-wide delegation can act as (an external
// member cannot be), trying up to maxReaders of them.
func (c *Connector) reader(ctx context.Context, space string, members []*chat.Membership) (*chat.Service, error) {
	tried := 0
	var last error
	for _, m := range members {
		if m.Member == nil || m.Member.Type != "HUMAN" || m.Member.Email == "" || m.State != "JOINED" {
			continue
		}
		if tried++; tried > maxReaders {
			break
		}
		svc, err := c.clients.Chat(ctx, m.Member.Email)
		if err != nil {
			return nil, err
		}
		_, err = svc.Spaces.Messages.List(space).PageSize(1).Context(ctx).Do()
		if err == nil {
			return svc, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		last = err
	}
	if last != nil {
		return nil, fmt.Errorf("%w: space %s has no member in the organisation who may read its messages (the Chat API gives administrators no access to messages; the last member tried was refused: %v)", connector.ErrUnsupported, space, last)
	}
	return nil, fmt.Errorf("%w: space %s has no member in the organisation left to read its messages as (the Chat API gives administrators no access to messages)", connector.ErrUnsupported, space)
}

func userSpaces(ctx context.Context, svc *chat.Service) ([]*chat.Space, error) {
	var out []*chat.Space
	token := ""
	for {
		page, err := svc.Spaces.List().PageSize(1000).PageToken(token).Context(ctx).Do()
		if err != nil {
			return nil, err
		}
		for _, sp := range page.Spaces {
			if sp.SpaceType == "DIRECT_MESSAGE" || sp.SpaceType == "GROUP_CHAT" {
				out = append(out, sp)
			}
		}
		if token = page.NextPageToken; token == "" {
			return out, nil
		}
	}
}

func listMembers(ctx context.Context, svc *chat.Service, space string, asAdmin bool) ([]*chat.Membership, error) {
	var out []*chat.Membership
	token := ""
	for {
		call := svc.Spaces.Members.List(space).PageSize(1000).PageToken(token).Context(ctx)
		if asAdmin {
			// Required with admin access; the API lists no apps then.
			call = call.UseAdminAccess(true).Filter(`member.type = "HUMAN"`)
		}
		page, err := call.Do()
		if err != nil {
			return nil, err
		}
		out = append(out, page.Memberships...)
		if token = page.NextPageToken; token == "" {
			return out, nil
		}
	}
}

// resolve fills in the email and display name of the members the Chat API
// shows only by resource name (an administrator who is not a member sees
// no emails): "users/{id}" is the Directory's user id. A member the
// Directory does not know (external, deleted) keeps its resource name.
func (c *Connector) resolve(ctx context.Context, adminEmail string, members []*chat.Membership) error {
	var dir *admin.Service
	for _, m := range members {
		u := m.Member
		if u == nil || u.Type != "HUMAN" || u.Email != "" || !strings.HasPrefix(u.Name, "users/") {
			continue
		}
		if dir == nil {
			var err error
			if dir, err = c.clients.Directory(ctx, adminEmail); err != nil {
				return err
			}
		}
		du, err := dir.Users.Get(strings.TrimPrefix(u.Name, "users/")).Fields("primaryEmail", "name(fullName)").Context(ctx).Do()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if pacer.ClassOf(err) == pacer.Fatal {
				return err
			}
			continue
		}
		u.Email = du.PrimaryEmail
		if u.DisplayName == "" && du.Name != nil {
			u.DisplayName = du.Name.FullName
		}
	}
	return nil
}

// messages yields the space's messages, oldest first.
func messages(ctx context.Context, svc *chat.Service, space string) iter.Seq2[*chat.Message, error] {
	return func(yield func(*chat.Message, error) bool) {
		token := ""
		for {
			page, err := svc.Spaces.Messages.List(space).PageSize(1000).PageToken(token).Context(ctx).Do()
			if err != nil {
				yield(nil, err)
				return
			}
			for _, m := range page.Messages {
				if !yield(m, nil) {
					return
				}
			}
			if token = page.NextPageToken; token == "" {
				return
			}
		}
	}
}

// folder is the space's or user's folder name: Takeout's "DM <id>",
// "Space <id>", or the user's email.
func folder(s string) string { return strings.ReplaceAll(s, "/", "_") }

func spaceFolder(sp *chat.Space) string {
	id := strings.TrimPrefix(sp.Name, "spaces/")
	switch sp.SpaceType {
	case "DIRECT_MESSAGE":
		return "DM " + id
	case "GROUP_CHAT":
		return "Group chat " + id
	}
	return "Space " + id
}
