package calendar

import (
	"context"
	"fmt"

	"google.golang.org/api/calendar/v3"

	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/pacer"
	"github.com/orgexport/orgexport/shared/zipname"
)

var _ connector.ItemExporter = (*Connector)(nil)

// ExportItems implements connector.ItemExporter. ids are event ids, or
// calendar ids (a calendar that could not be read is exported whole). Each
// calendar with asked-for events gets its file at the path Export gives
// it, holding only those events (and the cancelled occurrences of an asked
// series, as its EXDATEs). An id that is neither a calendar nor a live
// event was deleted since the export; the first part, which starts from
// no cursor, records those. The cursor is the last calendar done.
func (c *Connector) ExportItems(ctx context.Context, a connector.Account, ids []string, cursor string, e connector.Emitter) error {
	svc, err := c.clients.Calendar(ctx, a.Subject)
	if err != nil {
		return err
	}
	cals, err := c.calendars(ctx, svc, a)
	if err != nil {
		return fmt.Errorf("calendar %s: %w", a.ID, err)
	}
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	if cursor == "" {
		if err := c.gone(ctx, svc, cals, want, e); err != nil {
			return fmt.Errorf("calendar %s: %w", a.ID, err)
		}
	}
	names := zipname.NewDedup()
	for _, k := range cals {
		path := export.Calendar.TakeoutFolder() + "/" + names.Name(k.name+".ics", k.id)
		if k.id <= cursor {
			continue
		}
		if want[k.id] {
			err = c.one(ctx, svc, k, path, e)
		} else {
			err = c.some(ctx, svc, k, path, want, e)
		}
		if err != nil {
			return fmt.Errorf("calendar %s: %w", a.ID, err)
		}
		if err := e.Checkpoint(ctx, k.id); err != nil {
			return err
		}
	}
	return nil
}

// events lists a calendar's events as Export reads them.
func (c *Connector) events(ctx context.Context, svc *calendar.Service, k cal, page func(*calendar.Events) error) error {
	return svc.Events.List(k.id).SingleEvents(false).ShowDeleted(true).MaxResults(c.opts.PageSize).
		Context(ctx).Pages(ctx, page)
}

// gone records the asked-for ids that are no calendar and no live event.
func (c *Connector) gone(ctx context.Context, svc *calendar.Service, cals []cal, want map[string]bool, e connector.Emitter) error {
	live := map[string]bool{}
	for _, k := range cals {
		live[k.id] = true
		err := c.events(ctx, svc, k, func(page *calendar.Events) error {
			for _, ev := range page.Items {
				if ev.Status != "cancelled" {
					live[ev.Id] = true
				}
			}
			return nil
		})
		if err != nil && pacer.ClassOf(err) == pacer.Fatal {
			return err
		}
		if err != nil { // unreadable now: its events are retried, not called deleted
			return fmt.Errorf("list the events of %s: %w", k.id, err)
		}
	}
	for id := range want {
		if !live[id] {
			e.Fail(connector.Gone(export.Calendar, id, ""))
		}
	}
	return nil
}

// some writes the calendar's file with only the asked-for events, if it
// has any.
func (c *Connector) some(ctx context.Context, svc *calendar.Service, k cal, path string, want map[string]bool, e connector.Emitter) error {
	b := newBook(k.tz, c.opts.Now())
	err := c.events(ctx, svc, k, func(page *calendar.Events) error {
		for _, ev := range page.Items {
			asked := want[ev.Id] && ev.Status != "cancelled"
			exdate := ev.Status == "cancelled" && want[ev.RecurringEventId]
			if !asked && !exdate {
				continue
			}
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
	if len(b.items) == 0 {
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
