package gmail

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"google.golang.org/api/gmail/v1"

	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
)

// Clients makes Gmail clients that act as a user.
type Clients interface {
	Gmail(ctx context.Context, subject string) (*gmail.Service, error)
}

// Options tune the connector. The zero value means the defaults.
type Options struct {
	// CheckpointBytes is how much mail is written between checkpoints
	// (default 64 MiB).
	CheckpointBytes int64
	// Workers is how many messages are fetched at once (default 4); at
	// most this many are held in memory.
	Workers int
	// PageSize is the list page size (default 500, the API's maximum).
	PageSize int64
}

// Connector exports Gmail mailboxes.
type Connector struct {
	clients Clients
	opts    Options
}

var _ connector.Connector = (*Connector)(nil)

// New returns a Gmail connector.
func New(clients Clients, opts Options) *Connector {
	if opts.CheckpointBytes <= 0 {
		opts.CheckpointBytes = 64 << 20
	}
	if opts.Workers <= 0 {
		opts.Workers = 4
	}
	if opts.PageSize <= 0 {
		opts.PageSize = 500
	}
	return &Connector{clients: clients, opts: opts}
}

// Product implements connector.Connector.
func (c *Connector) Product() export.Product { return export.Gmail }

// Handles implements connector.Connector: users have mailboxes.
func (c *Connector) Handles(a connector.Account) bool { return a.Type == export.User }

// cursor is where an export resumes.
type cursor struct {
	Page  string `json:"p,omitempty"` // token of the list page being read
	Index int    `json:"i,omitempty"` // messages of that page already written
	Seg   int    `json:"s,omitempty"` // mbox files already written
}

func parseCursor(s string) (cursor, error) {
	var c cursor
	if s == "" {
		return c, nil
	}
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		return c, fmt.Errorf("gmail: bad cursor %q: %w", s, err)
	}
	return c, nil
}

func (c cursor) String() string {
	b, _ := json.Marshal(c)
	return string(b)
}

const mboxName = "All mail Including Spam and Trash"

// segmentPath names the n-th mbox file (from 0).
func segmentPath(n int) string {
	if n == 0 {
		return export.Gmail.TakeoutFolder() + "/" + mboxName + ".mbox"
	}
	return fmt.Sprintf("%s/%s-%d.mbox", export.Gmail.TakeoutFolder(), mboxName, n+1)
}

// Export implements connector.Connector.
func (c *Connector) Export(ctx context.Context, a connector.Account, cur string, e connector.Emitter) error {
	pos, err := parseCursor(cur)
	if err != nil {
		return err
	}
	svc, err := c.clients.Gmail(ctx, a.Subject)
	if err != nil {
		return err
	}
	labels, err := labelNames(ctx, svc)
	if err != nil {
		return fmt.Errorf("gmail %s: %w", a.ID, err)
	}
	run := &run{c: c, svc: svc, e: e, labels: labels, pos: pos}
	if err := run.export(ctx); err != nil {
		if errors.Is(err, connector.ErrCut) {
			return err
		}
		return fmt.Errorf("gmail %s: %w", a.ID, err)
	}
	return nil
}
