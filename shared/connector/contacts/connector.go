package contacts

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/emersion/go-vcard"
	"google.golang.org/api/people/v1"

	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/pacer"
	"github.com/orgexport/orgexport/shared/zipname"
)

// Clients makes People clients that act as a user.
type Clients interface {
	People(ctx context.Context, subject string) (*people.Service, error)
}

// Options tune the connector. The zero value means the defaults.
type Options struct {
	// PhotoClient downloads contact photos, which are public URLs: no
	// token is sent with them (default: a client with a 1-minute timeout).
	PhotoClient *http.Client
	// PageSize is the listing page size (default 1000, the maximum).
	PageSize int64
}

// Connector exports contacts.
type Connector struct {
	clients Clients
	opts    Options
}

var _ connector.Connector = (*Connector)(nil)

// New returns a Contacts connector.
func New(clients Clients, opts Options) *Connector {
	if opts.PageSize <= 0 {
		opts.PageSize = 1000
	}
	if opts.PhotoClient == nil {
		opts.PhotoClient = &http.Client{Timeout: time.Minute}
	}
	return &Connector{clients: clients, opts: opts}
}

// Product implements connector.Connector.
func (c *Connector) Product() export.Product { return export.Contacts }

// Handles implements connector.Connector: users have contacts.
func (c *Connector) Handles(a connector.Account) bool { return a.Type == export.User }

// Export implements connector.Connector. The cursor is the number of
// group files written.
func (c *Connector) Export(ctx context.Context, a connector.Account, cursor string, e connector.Emitter) error {
	return c.export(ctx, a, cursor, nil, e)
}

var _ connector.ItemExporter = (*Connector)(nil)

// ExportItems implements connector.ItemExporter: ids are contacts' and
// other contacts' resource names, or "otherContacts" for the Other
// Contacts file whole (when it could not be listed). The same walk as
// Export writes each group's file with only the asked-for contacts, and
// no file for a group without any; the People API lists contacts, so a
// name no list has was deleted since the export.
func (c *Connector) ExportItems(ctx context.Context, a connector.Account, ids []string, cursor string, e connector.Emitter) error {
	return c.export(ctx, a, cursor, connector.Want(ids), e)
}

// export writes the group files after cursor with the contacts want has
// (nil: all).
func (c *Connector) export(ctx context.Context, a connector.Account, cursor string, want *connector.Wanted, e connector.Emitter) error {
	done := 0
	if cursor != "" {
		n, err := strconv.Atoi(cursor)
		if err != nil {
			return fmt.Errorf("contacts: bad cursor %q", cursor)
		}
		done = n
	}
	svc, err := c.clients.People(ctx, a.Subject)
	if err != nil {
		return err
	}
	gs, conns, err := c.read(ctx, svc)
	if err != nil {
		return fmt.Errorf("contacts %s: %w", a.ID, err)
	}
	var other []*people.Person
	if want != nil { // every part notes what the lists have, for Gone
		for _, p := range conns {
			want.Has(p.ResourceName)
		}
		if !want.Has(otherGroup) {
			if other, err = others(ctx, svc, c.opts.PageSize); err != nil {
				return fmt.Errorf("contacts %s: %w", a.ID, err)
			}
			for _, p := range other {
				want.Has(p.ResourceName)
			}
		}
	}
	w := &writer{e: e, http: c.opts.PhotoClient, names: map[string]string{}, want: want}
	exported := map[string]bool{}
	for _, g := range gs {
		exported[g.resource] = true
		w.names[g.resource] = g.name
	}
	folders := zipname.NewDedup()
	for i, g := range gs {
		folder := folders.Name(g.name, g.resource)
		if i < done {
			continue
		}
		if err := c.group(ctx, svc, w, g, folder, conns, other, exported); err != nil {
			return fmt.Errorf("contacts %s: %w", a.ID, err)
		}
		if err := e.Checkpoint(ctx, strconv.Itoa(i+1)); err != nil {
			return err
		}
	}
	want.Gone(e, export.Contacts)
	return nil
}

func (c *Connector) read(ctx context.Context, svc *people.Service) ([]group, []*people.Person, error) {
	gs, err := groups(ctx, svc, c.opts.PageSize)
	if err != nil {
		return nil, nil, err
	}
	conns, err := connections(ctx, svc, c.opts.PageSize)
	return gs, conns, err
}

// group writes one group's file: of the other contacts, the list other
// when the export of items read it already.
func (c *Connector) group(ctx context.Context, svc *people.Service, w *writer, g group, folder string,
	conns, other []*people.Person, exported map[string]bool) error {
	path := export.Contacts.TakeoutFolder() + "/" + folder + "/" + zipname.Sanitize(folder+".vcf")
	w.start(path)
	if g.resource == otherGroup {
		list := other
		if other == nil {
			var err error
			if list, err = others(ctx, svc, c.opts.PageSize); err != nil {
				if pacer.ClassOf(err) == pacer.Fatal {
					return err
				}
				w.e.Fail(connector.Failure{Product: export.Contacts, ItemID: otherGroup, Path: path, Reason: pacer.Reason(err)})
				return w.end()
			}
		}
		if w.want.Asked(otherGroup) {
			w.want = nil // the whole file
			defer func(want *connector.Wanted) { w.want = want }(w.want)
		}
		for _, p := range list {
			if err := w.person(ctx, p, []string{otherGroup}, true); err != nil {
				return err
			}
		}
		return w.end()
	}
	for _, p := range conns {
		in := memberOf(p, exported)
		all := g.resource == allGroup
		if !all && !contains(in, g.resource) {
			continue
		}
		// The contact's item is recorded in All Contacts, which holds every
		// contact once.
		if err := w.person(ctx, p, in, all); err != nil {
			return err
		}
	}
	return w.end()
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// writer writes cards into the current group's entry: the contacts want
// has (nil: all). A group's file is created at start in a whole export,
// empty groups included, and at its first card in an export of items.
type writer struct {
	e     connector.Emitter
	http  *http.Client
	want  *connector.Wanted
	enc   *vcard.Encoder
	path  string
	names map[string]string // group resource → name, for CATEGORIES
}

// start begins the file at path.
func (w *writer) start(path string) {
	w.enc, w.path = nil, path
}

// create makes the current file's entry, once.
func (w *writer) create() error {
	if w.enc != nil {
		return nil
	}
	out, err := w.e.Create(connector.Entry{Path: w.path, Content: connector.Compressible})
	if err != nil {
		return fmt.Errorf("create %s: %w", w.path, err)
	}
	w.enc = vcard.NewEncoder(folder{out})
	return nil
}

// end finishes the current file: in a whole export it exists even when
// empty.
func (w *writer) end() error {
	if w.want == nil {
		return w.create()
	}
	return nil
}

// person writes one card; record says whether this file is where the
// contact's item is recorded.
func (w *writer) person(ctx context.Context, p *people.Person, in []string, record bool) error {
	if !w.want.Asked(p.ResourceName) {
		return nil
	}
	if err := w.create(); err != nil {
		return err
	}
	img, typ, err := photo(ctx, w.http, p)
	if err != nil {
		if pacer.ClassOf(err) == pacer.Fatal {
			return err
		}
	}
	if err != nil && record { // once, where the contact's item is
		w.e.Fail(connector.Failure{Product: export.Contacts, ItemID: p.ResourceName, Path: w.path,
			Reason: "the contact was exported without its photo, which could not be downloaded: " + pacer.Reason(err)})
	}
	cats := make([]string, 0, len(in))
	for _, g := range in {
		cats = append(cats, w.names[g])
	}
	if err := w.enc.Encode(card(p, cats, img, typ)); err != nil {
		return fmt.Errorf("write %s: %w", w.path, err)
	}
	if record {
		w.e.Item(p.ResourceName)
	}
	return nil
}
