package calendar

import (
	"context"
	"fmt"
	"sort"
	"time"

	"google.golang.org/api/calendar/v3"

	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/pacer"
	"github.com/orgexport/orgexport/shared/zipname"
)

// Clients makes Calendar clients that act as a user.
type Clients interface {
	Calendar(ctx context.Context, subject string) (*calendar.Service, error)
}

// Options tune the connector. The zero value means the defaults.
type Options struct {
	// Now stamps DTSTAMP (default time.Now).
	Now func() time.Time
	// PageSize is the events page size (default 2500, the maximum).
	PageSize int64
}

// Connector exports calendars.
type Connector struct {
	clients Clients
	opts    Options
}

var _ connector.Connector = (*Connector)(nil)

// New returns a Calendar connector.
func New(clients Clients, opts Options) *Connector {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.PageSize <= 0 {
		opts.PageSize = 2500
	}
	return &Connector{clients: clients, opts: opts}
}

// Product implements connector.Connector.
func (c *Connector) Product() export.Product { return export.Calendar }

// Handles implements connector.Connector: users' calendars and calendar
// resources' booking information.
func (c *Connector) Handles(a connector.Account) bool {
	return a.Type == export.User || (a.Type == export.Customer && a.Kind == "calendar-resource")
}

// cal is one calendar to export.
type cal struct {
	id, name, tz string
}

// calendars lists the account's calendars in id order: the user's calendar
// list, or the resource's one calendar (read by an administrator).
func (c *Connector) calendars(ctx context.Context, svc *calendar.Service, a connector.Account) ([]cal, error) {
	if a.Type == export.Customer {
		name := a.Name
		if name == "" {
			name = a.ID
		}
		tz := ""
		if got, err := svc.Calendars.Get(a.ID).Fields("timeZone").Context(ctx).Do(); err == nil {
			tz = got.TimeZone
		}
		return []cal{{id: a.ID, name: name, tz: tz}}, nil
	}
	var out []cal
	err := svc.CalendarList.List().ShowHidden(true).Fields("nextPageToken,items(id,summary,summaryOverride,timeZone)").
		Context(ctx).Pages(ctx, func(page *calendar.CalendarList) error {
		for _, e := range page.Items {
			name := e.Summary
			if e.SummaryOverride != "" {
				name = e.SummaryOverride
			}
			out = append(out, cal{id: e.Id, name: name, tz: e.TimeZone})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list calendars: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out, nil
}

// Export implements connector.Connector. The cursor is the id of the last
// calendar written.
func (c *Connector) Export(ctx context.Context, a connector.Account, cursor string, e connector.Emitter) error {
	svc, err := c.clients.Calendar(ctx, a.Subject)
	if err != nil {
		return err
	}
	cals, err := c.calendars(ctx, svc, a)
	if err != nil {
		return fmt.Errorf("calendar %s: %w", a.ID, err)
	}
	names := zipname.NewDedup()
	for _, k := range cals {
		path := export.Calendar.TakeoutFolder() + "/" + names.Name(k.name+".ics", k.id)
		if k.id <= cursor {
			continue
		}
		if err := c.one(ctx, svc, k, path, e); err != nil {
			return fmt.Errorf("calendar %s: %w", a.ID, err)
		}
		if err := e.Checkpoint(ctx, k.id); err != nil {
			return err
		}
	}
	return nil
}

// one writes a calendar's file, or records why it could not be read.
func (c *Connector) one(ctx context.Context, svc *calendar.Service, k cal, path string, e connector.Emitter) error {
	b := newBook(k.tz, c.opts.Now())
	// Deleted events are listed too: cancelled occurrences of a series
	// become its EXDATEs; other deleted events are left out.
	err := c.events(ctx, svc, k, func(page *calendar.Events) error {
		for _, ev := range page.Items {
			if err := b.add(ev); err != nil {
				e.Fail(connector.Failure{Product: export.Calendar, ItemID: ev.Id, Path: path, Reason: err.Error()})
			}
		}
		return nil
	})
	if err != nil {
		if pacer.ClassOf(err) == pacer.Fatal {
			return err
		}
		e.Fail(connector.Failure{Product: export.Calendar, ItemID: k.id, Path: path,
			Reason: "could not read the calendar's events: " + pacer.Reason(err)})
		return nil
	}
	w, err := e.Create(connector.Entry{Path: path, Modified: c.opts.Now(), Content: connector.Compressible})
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	if err := b.encode(w, k.name); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	for _, id := range b.items {
		e.Item(id)
	}
	return nil
}
