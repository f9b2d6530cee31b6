package drive

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"google.golang.org/api/drive/v3"

	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/pacer"
)

// Clients makes Drive clients, and plain HTTP clients for exportLinks,
// that act as a user.
type Clients interface {
	Drive(ctx context.Context, subject string) (*drive.Service, error)
	HTTPClient(ctx context.Context, subject, api string) *http.Client
}

// Options tune the connector. The zero value means the defaults.
type Options struct {
	// CheckpointBytes and CheckpointFiles bound the work between
	// checkpoints (defaults 64 MiB and 200 files).
	CheckpointBytes int64
	CheckpointFiles int
	// PageSize is the listing page size (default 1000, the maximum).
	PageSize int64
}

// Connector exports Drive files.
type Connector struct {
	clients Clients
	opts    Options
}

var _ connector.Connector = (*Connector)(nil)

// New returns a Drive connector.
func New(clients Clients, opts Options) *Connector {
	if opts.CheckpointBytes <= 0 {
		opts.CheckpointBytes = 64 << 20
	}
	if opts.CheckpointFiles <= 0 {
		opts.CheckpointFiles = 200
	}
	if opts.PageSize <= 0 {
		opts.PageSize = 1000
	}
	return &Connector{clients: clients, opts: opts}
}

// Product implements connector.Connector.
func (c *Connector) Product() export.Product { return export.Drive }

// Handles implements connector.Connector: users' My Drives and shared
// drives (customer-owned).
func (c *Connector) Handles(a connector.Account) bool {
	return a.Type == export.User || (a.Type == export.Customer && a.Kind == "shared-drive")
}

// Export implements connector.Connector. The cursor is the id of the last
// file written. A shared drive is read as one of its members
// (sharedReader).
func (c *Connector) Export(ctx context.Context, a connector.Account, cursor string, e connector.Emitter) error {
	subject := a.Subject
	var svc *drive.Service
	var err error
	if a.Type == export.Customer {
		subject, svc, err = c.sharedReader(ctx, a)
	} else {
		svc, err = c.clients.Drive(ctx, subject)
	}
	if err != nil {
		return err
	}
	files, err := listAll(ctx, svc, a, c.opts.PageSize)
	if err != nil {
		return fmt.Errorf("drive %s: %w", a.ID, err)
	}
	r := &run{c: c, svc: svc, e: e, http: c.clients.HTTPClient(ctx, subject, "drive")}
	for it := range files.items(cursor) {
		if err := r.one(ctx, it); err != nil {
			if errors.Is(err, connector.ErrCut) {
				return err
			}
			return fmt.Errorf("drive %s: %w", a.ID, err)
		}
	}
	return nil
}

// run is one call of Export.
type run struct {
	c     *Connector
	svc   *drive.Service
	http  *http.Client
	e     connector.Emitter
	bytes int64
	files int
}

// one exports a file, records its failure, or returns an error that ends
// the export (a write error, a fatal API error, a cut).
func (r *run) one(ctx context.Context, it item) error {
	n, err := r.write(ctx, it)
	if err != nil {
		var we *connector.WriteError
		if errors.As(err, &we) || pacer.ClassOf(err) == pacer.Fatal {
			return err
		}
		r.e.Fail(connector.Failure{Product: export.Drive, ItemID: it.f.Id, Path: it.path, Reason: reason(err)})
	}
	r.bytes += n
	r.files++
	if r.bytes < r.c.opts.CheckpointBytes && r.files < r.c.opts.CheckpointFiles {
		return nil
	}
	r.bytes, r.files = 0, 0
	return r.e.Checkpoint(ctx, it.f.Id)
}

// errNoExportLink is a Google file over the export limit that Drive gives no
// exportLinks for: nothing else can fetch it.
var errNoExportLink = errors.New("export is over Drive's 10 MB limit and Drive offers no export link for it")

func reason(err error) string {
	if errors.Is(err, errNoExportLink) {
		return err.Error()
	}
	var ue unsupportedError
	if errors.As(err, &ue) {
		return string(ue)
	}
	var ef exportFailed
	if errors.As(err, &ef) {
		return ef.Error()
	}
	return pacer.Reason(err)
}

// exportFailed is a Google file whose export and export link both failed.
type exportFailed struct{ first, link error }

func (e exportFailed) Error() string {
	what := "export failed: " + pacer.Reason(e.first)
	if tooLarge(e.first) {
		what = "export is over Drive's 10 MB limit"
	}
	return what + "; its export link failed too: " + pacer.Reason(e.link)
}

type unsupportedError string

func (e unsupportedError) Error() string { return string(e) }

// write puts one file into the zip and returns the bytes written.
func (r *run) write(ctx context.Context, it item) (int64, error) {
	f := it.f
	entry := connector.Entry{Path: it.path, ItemID: f.Id, Content: contentFor(f.MimeType), Modified: it.modified}
	switch {
	case f.MimeType == mimeShortcut:
		return r.shortcut(entry, f)
	case exportExt(f.MimeType) != "":
		return r.exported(ctx, entry, f)
	case strings.HasPrefix(f.MimeType, googlePrefix):
		return 0, unsupportedError(unexportable(f.MimeType))
	}
	return r.binary(ctx, entry, f)
}

// shortcut writes an Internet shortcut to the target; it is not followed.
func (r *run) shortcut(entry connector.Entry, f *drive.File) (int64, error) {
	target := ""
	if f.ShortcutDetails != nil {
		target = f.ShortcutDetails.TargetId
	}
	// A shortcut is a pointer, not an item of the account: the entry names
	// no item, and the target is exported (or not) on its own.
	entry.Content, entry.ItemID = connector.Compressible, ""
	w, err := r.e.Create(entry)
	if err != nil {
		return 0, &connector.WriteError{Err: err}
	}
	n, err := fmt.Fprintf(w, "[InternetShortcut]\r\nURL=https://drive.google.com/open?id=%s\r\n", target)
	if err != nil {
		return 0, &connector.WriteError{Err: err}
	}
	return int64(n), nil
}

// exported writes a Google file in its export format; when files.export
// fails (above all over the 10 MB limit) it fetches the file's exportLinks
// URL instead.
func (r *run) exported(ctx context.Context, entry connector.Entry, f *drive.File) (int64, error) {
	format := exportFormats[f.MimeType]
	b, err := exportDoc(ctx, r.svc, f.Id, format.mime)
	if err == nil {
		w, err := r.e.Create(entry)
		if err == nil {
			_, err = w.Write(b)
		}
		if err != nil {
			return 0, &connector.WriteError{Err: err}
		}
		return int64(len(b)), nil
	}
	if pacer.ClassOf(err) == pacer.Fatal {
		return 0, err
	}
	link, lerr := exportLinkOf(ctx, r.svc, f.Id, format.mime)
	if lerr != nil {
		if pacer.ClassOf(lerr) == pacer.Fatal {
			return 0, lerr
		}
		return 0, exportFailed{first: err, link: lerr}
	}
	if link == "" {
		if tooLarge(err) {
			return 0, errNoExportLink
		}
		return 0, err
	}
	tmp, lerr := exportLink(ctx, r.http, link)
	if lerr != nil {
		if pacer.ClassOf(lerr) == pacer.Fatal {
			return 0, lerr
		}
		return 0, exportFailed{first: err, link: lerr}
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	w, err := r.e.Create(entry)
	if err != nil {
		return 0, &connector.WriteError{Err: err}
	}
	n, err := io.Copy(w, tmp)
	if err != nil {
		return n, &connector.WriteError{Err: err}
	}
	return n, nil
}

type counter struct {
	w io.Writer
	n int64
}

func (c *counter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
