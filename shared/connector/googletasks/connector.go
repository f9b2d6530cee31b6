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
	if len(lists) == 0 {
		return nil
	}
	w, err := e.Create(connector.Entry{Path: Path, Modified: c.opts.Now(), Content: connector.Compressible})
	if err != nil {
		return err
	}
	if err := writeLists(ctx, svc, w, lists, e.Item); err != nil {
		return fmt.Errorf("tasks of %s: %w", a.ID, err)
	}
	return e.Checkpoint(ctx, done)
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
// fields, then its tasks one at a time.
func writeLists(ctx context.Context, svc *tasks.Service, w io.Writer, lists []*tasks.TaskList, item func(string)) error {
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
		if err := writeTasks(ctx, svc, w, l.Id, item); err != nil {
			return fmt.Errorf("list %q: %w", l.Title, err)
		}
		if _, err := io.WriteString(w, "]}"); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, "]}\n")
	return err
}

func writeTasks(ctx context.Context, svc *tasks.Service, w io.Writer, list string, item func(string)) error {
	token, n := "", 0
	for {
		page, err := svc.Tasks.List(list).ShowCompleted(true).ShowHidden(true).ShowDeleted(true).
			MaxResults(100).PageToken(token).Context(ctx).Do()
		if err != nil {
			return err
		}
		for _, t := range page.Items {
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
		}
		if token = page.NextPageToken; token == "" {
			return nil
		}
	}
}
