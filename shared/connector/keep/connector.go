package keep

import (
	"context"
	"fmt"
	"iter"
	"strconv"
	"time"

	"google.golang.org/api/keep/v1"

	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/zipname"
)

// Clients makes Keep clients that act as a user.
type Clients interface {
	Keep(ctx context.Context, subject string) (*keep.Service, error)
}

// Options tune the connector. The zero value means the defaults; there is
// nothing to tune yet (an attachment cut off in transit is resumed by
// connector.Download, errors with a status are retried by the pacer).
type Options struct{}

// Connector exports Keep notes.
type Connector struct {
	clients Clients
	opts    Options
}

var _ connector.Connector = (*Connector)(nil)

// New returns a Keep connector.
func New(clients Clients, opts Options) *Connector {
	return &Connector{clients: clients, opts: opts}
}

// Product implements connector.Connector.
func (c *Connector) Product() export.Product { return export.Keep }

// Handles implements connector.Connector: users have notes.
func (c *Connector) Handles(a connector.Account) bool { return a.Type == export.User }

// Export implements connector.Connector. The cursor is the number of notes
// written.
func (c *Connector) Export(ctx context.Context, a connector.Account, cursor string, e connector.Emitter) error {
	return c.walk(ctx, a, cursor, nil, e)
}

var _ connector.ItemExporter = (*Connector)(nil)

// ExportItems implements connector.ItemExporter: ids are notes' and
// attachments' resource names. Keep has no way to name a note's files but
// by its place among all notes (untitled and same-titled notes are told
// apart by order), so the same walk as Export lists every note and writes
// only the asked-for: a note with its attachments, or an attachment alone.
// A name the listing does not have was deleted since the export.
func (c *Connector) ExportItems(ctx context.Context, a connector.Account, ids []string, cursor string, e connector.Emitter) error {
	return c.walk(ctx, a, cursor, connector.Want(ids), e)
}

// walk writes the notes after cursor that want has (nil: all). The cursor
// is the number of notes passed.
func (c *Connector) walk(ctx context.Context, a connector.Account, cursor string, want *connector.Wanted, e connector.Emitter) error {
	skip := 0
	if cursor != "" {
		n, err := strconv.Atoi(cursor)
		if err != nil || n < 0 {
			return fmt.Errorf("keep: bad cursor %q", cursor)
		}
		skip = n
	}
	svc, err := c.clients.Keep(ctx, a.Subject)
	if err != nil {
		return err
	}
	names := zipname.NewDedup()
	i := 0
	for note, err := range notes(ctx, svc) {
		if err != nil {
			return fmt.Errorf("keep notes of %s: %w", a.ID, err)
		}
		files := plan(names, note)
		wanted := want.Has(note.Name)
		for _, at := range note.Attachments {
			wanted = want.Has(at.Name) || wanted
		}
		if i++; i <= skip || !wanted {
			continue
		}
		if err := c.writeNote(ctx, svc, e, note, files, want); err != nil {
			return err
		}
		if err := e.Checkpoint(ctx, strconv.Itoa(i)); err != nil {
			return err
		}
	}
	want.Gone(e, export.Keep)
	return nil
}

// notes yields the notes that are not trashed, then the trashed ones.
func notes(ctx context.Context, svc *keep.Service) iter.Seq2[*keep.Note, error] {
	return func(yield func(*keep.Note, error) bool) {
		for _, filter := range []string{"trashed = false", "trashed = true"} {
			token := ""
			for {
				page, err := svc.Notes.List().Filter(filter).PageSize(100).PageToken(token).Context(ctx).Do()
				if err != nil {
					yield(nil, err)
					return
				}
				for _, n := range page.Notes {
					if !yield(n, nil) {
						return
					}
				}
				if token = page.NextPageToken; token == "" {
					break
				}
			}
		}
	}
}

// stemOf is the note's file name without extension: its title, or its
// creation time as Takeout names untitled notes.
func stemOf(n *keep.Note) string {
	if n.Title != "" {
		return n.Title
	}
	if t, err := time.Parse(time.RFC3339Nano, n.CreateTime); err == nil {
		return t.UTC().Format("2006-01-02T15_04_05.000Z")
	}
	return "Untitled"
}

// files are the names of a note's entries in Keep/.
type files struct {
	stem        string
	attachments []string // one per attachment, in order
}

// plan claims the names of the note's files, attachments included, so no
// two entries of the folder share a name.
func plan(names *zipname.Dedup, n *keep.Note) files {
	f := files{stem: names.Name(stemOf(n), n.Name)}
	for k, a := range n.Attachments {
		f.attachments = append(f.attachments, names.Name(fmt.Sprintf("%s_%d%s", f.stem, k+1, extension(a)), a.Name))
	}
	// The stem's own files end in .json and .html, which no other stem
	// claims: the dedup holds stems without extension.
	return f
}
