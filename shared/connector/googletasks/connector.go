package googletasks

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"google.golang.org/api/tasks/v1"

	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
)

// Clients makes Tasks clients that act as a user.
type Clients interface {
	Tasks(ctx context.Context, subject string) (*tasks.Service, error)
}

// Options tune the connector. The zero value means the defaults.
type Options struct {
	// Now stamps the file (default time.Now).
	Now func() time.Time
}

// Connector exports tasks.
type Connector struct {
	clients Clients
	opts    Options
}

var _ connector.Connector = (*Connector)(nil)

// Path is the file every user's tasks go to.
const Path = "Tasks/Tasks.json"

const done = "done"

// New returns a Tasks connector.
func New(clients Clients, opts Options) *Connector {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Connector{clients: clients, opts: opts}
}

// Product implements connector.Connector.
func (c *Connector) Product() export.Product { return export.Tasks }

// Handles implements connector.Connector: users have tasks.
func (c *Connector) Handles(a connector.Account) bool { return a.Type == export.User }

// Export implements connector.Connector.
func (c *Connector) Export(ctx context.Context, a connector.Account, cursor string, e connector.Emitter) error {
	return c.export(ctx, a, cursor, nil, e)
}

var _ connector.ItemExporter = (*Connector)(nil)

// ExportItems implements connector.ItemExporter: ids are task ids (or a
// list's id, for the whole list). Tasks.json is one file, written as
// Export writes it, with only the lists holding asked-for tasks and, in
// them, only those tasks. The Tasks API finds a task only in its list, so
// the lists are read once first to find them; an id in none was deleted
// since the export.
func (c *Connector) ExportItems(ctx context.Context, a connector.Account, ids []string, cursor string, e connector.Emitter) error {
	return c.export(ctx, a, cursor, connector.Want(ids), e)
}

// export writes Tasks.json with the lists and tasks want has (nil: all).
func (c *Connector) export(ctx context.Context, a connector.Account, cursor string, want *connector.Wanted, e connector.Emitter) error {
	switch cursor {
	case done:
		return nil
	case "":
	default:
		return fmt.Errorf("tasks: bad cursor %q", cursor)
	}
	svc, err := c.clients.Tasks(ctx, a.Subject)
	if err != nil {
		return err
	}
	lists, err := taskLists(ctx, svc)
	if err != nil {
		return fmt.Errorf("task lists of %s: %w", a.ID, err)
	}
	if want != nil {
		if lists, err = holding(ctx, svc, lists, want); err != nil {
			return fmt.Errorf("tasks of %s: %w", a.ID, err)
		}
		want.Gone(e, export.Tasks)
	}
	if len(lists) == 0 {
		return nil
	}
	w, err := e.Create(connector.Entry{Path: Path, Modified: c.opts.Now(), Content: connector.Compressible})
	if err != nil {
		return err
	}
	if err := writeLists(ctx, svc, w, lists, want, e.Item); err != nil {
		return fmt.Errorf("tasks of %s: %w", a.ID, err)
	}
	return e.Checkpoint(ctx, done)
}

// holding keeps the lists that want has, or that hold a task it has.
func holding(ctx context.Context, svc *tasks.Service, lists []*tasks.TaskList, want *connector.Wanted) ([]*tasks.TaskList, error) {
	var out []*tasks.TaskList
	for _, l := range lists {
		has := want.Has(l.Id)
		err := eachTask(ctx, svc, l.Id, func(t *tasks.Task) error {
			has = want.Has(t.Id) || has
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("list %q: %w", l.Title, err)
		}
		if has {
			out = append(out, l)
		}
	}
	return out, nil
}

func taskLists(ctx context.Context, svc *tasks.Service) ([]*tasks.TaskList, error) {
	var out []*tasks.TaskList
	token := ""
	for {
		page, err := svc.Tasklists.List().MaxResults(1000).PageToken(token).Context(ctx).Do()
		if err != nil {
			return nil, err
		}
		out = append(out, page.Items...)
		if token = page.NextPageToken; token == "" {
			return out, nil
		}
	}
}

// writeLists streams {"kind":"tasks#taskLists","items":[…]}: each list's
// fields, then its tasks (those want has; a list it has, all) one at a
// time.
func writeLists(ctx context.Context, svc *tasks.Service, w io.Writer, lists []*tasks.TaskList, want *connector.Wanted, item func(string)) error {
	if _, err := io.WriteString(w, `{"kind":"tasks#taskLists","items":[`); err != nil {
		return err
	}
	for i, l := range lists {
		head, err := json.Marshal(listJSON{Kind: "tasks#taskList", ID: l.Id, Title: l.Title, Updated: l.Updated})
		if err != nil {
			return err
		}
		sep := ""
		if i > 0 {
			sep = ","
		}
		// The list's object without its closing brace, then its items.
		if _, err := fmt.Fprintf(w, "%s\n%s,\"items\":[", sep, head[:len(head)-1]); err != nil {
			return err
		}
		if !want.Asked(l.Id) {
			err = writeTasks(ctx, svc, w, l.Id, want, item)
		} else {
			err = writeTasks(ctx, svc, w, l.Id, nil, item)
		}
		if err != nil {
			return fmt.Errorf("list %q: %w", l.Title, err)
		}
		if _, err := io.WriteString(w, "]}"); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, "]}\n")
	return err
}

func writeTasks(ctx context.Context, svc *tasks.Service, w io.Writer, list string, want *connector.Wanted, item func(string)) error {
	n := 0
	return eachTask(ctx, svc, list, func(t *tasks.Task) error {
		if !want.Asked(t.Id) {
			return nil
		}
		b, err := json.Marshal(fromAPI(t))
		if err != nil {
			return err
		}
		if n > 0 {
			b = append([]byte{','}, b...)
		}
		if _, err := w.Write(append([]byte{'\n'}, b...)); err != nil {
			return err
		}
		item(t.Id)
		n++
		return nil
	})
}

// eachTask calls fn with each task of the list, deleted and hidden ones
// included.
func eachTask(ctx context.Context, svc *tasks.Service, list string, fn func(*tasks.Task) error) error {
	token := ""
	for {
		page, err := svc.Tasks.List(list).ShowCompleted(true).ShowHidden(true).ShowDeleted(true).
			MaxResults(100).PageToken(token).Context(ctx).Do()
		if err != nil {
			return err
		}
		for _, t := range page.Items {
			if err := fn(t); err != nil {
				return err
			}
		}
		if token = page.NextPageToken; token == "" {
			return nil
		}
	}
}
