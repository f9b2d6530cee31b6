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
	w := &writer{e: e, http: c.opts.PhotoClient, names: map[string]string{}}
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
		if err := c.group(ctx, svc, w, g, folder, conns, exported); err != nil {
			return fmt.Errorf("contacts %s: %w", a.ID, err)
		}
		if err := e.Checkpoint(ctx, strconv.Itoa(i+1)); err != nil {
			return err
		}
	}
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

// group writes one group's file.
func (c *Connector) group(ctx context.Context, svc *people.Service, w *writer, g group, folder string,
	conns []*people.Person, exported map[string]bool) error {
	path := export.Contacts.TakeoutFolder() + "/" + folder + "/" + zipname.Sanitize(folder+".vcf")
	if err := w.open(path); err != nil {
		return err
	}
	if g.resource == otherGroup {
		list, err := others(ctx, svc, c.opts.PageSize)
		if err != nil {
			if pacer.ClassOf(err) == pacer.Fatal {
				return err
			}
			w.e.Fail(connector.Failure{Product: export.Contacts, ItemID: otherGroup, Path: path, Reason: pacer.Reason(err)})
			return nil
		}
		for _, p := range list {
			if err := w.person(ctx, p, []string{otherGroup}, true); err != nil {
				return err
			}
		}
		return nil
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
	return nil
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// writer writes cards into the current group's entry.
type writer struct {
	e     connector.Emitter
	http  *http.Client
	enc   *vcard.Encoder
	path  string
	names map[string]string // group resource → name, for CATEGORIES
}

func (w *writer) open(path string) error {
	out, err := w.e.Create(connector.Entry{Path: path, Content: connector.Compressible})
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	w.enc, w.path = vcard.NewEncoder(folder{out}), path
	return nil
}

// person writes one card; record says whether this file is where the
// contact's item is recorded.
func (w *writer) person(ctx context.Context, p *people.Person, in []string, record bool) error {
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
