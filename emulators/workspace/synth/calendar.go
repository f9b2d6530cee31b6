package synth

import (
	"fmt"
	"strings"
	"time"
)

// Calendar is one calendar: a user's primary or secondary calendar, or a
// resource's.
type Calendar struct {
	ID, Summary, TimeZone string
	Primary               bool
	// Owner is the user index, or -1 for a resource calendar.
	Owner  int
	events int
	key    uint64
}

// Event is one calendar event, a recurring series' master, or one of its
// exceptions (RecurringEventID set).
type Event struct {
	ID, Summary, Status   string
	Start, End            time.Time
	AllDay                bool
	TimeZone              string
	Recurrence            []string
	RecurringEventID      string
	OriginalStart         time.Time
	Organizer             string
	Attendees             []string
	Created, Updated      time.Time
	Location, Description string
}

// Calendars returns the user's calendars, primary first.
func (g *Org) Calendars(user int) []Calendar {
	if !g.HasData() {
		return nil
	}
	u := g.users[user]
	h := g.hash(kEvent, uint64(user))
	return []Calendar{
		{ID: u.Email, Summary: u.Email, TimeZone: "Europe/Stockholm", Primary: true, Owner: user, events: g.opt.EventsPerUser + 1, key: h},
		{ID: fmt.Sprintf("u%dteam%06x@group.calendar.google.com", user, h&0xffffff), Summary: "Team calendar", TimeZone: "America/New_York", Owner: user, events: 2, key: h + 1},
	}
}

// ResourceCalendar is a resource's calendar of bookings.
func (g *Org) ResourceCalendar(res int) Calendar {
	r := g.resources[res]
	return Calendar{ID: r.Email, Summary: r.Name, TimeZone: "Europe/Stockholm", Owner: -1, events: 3, key: g.hash(kResource, uint64(res))}
}

// CalendarByID finds a calendar by id among the user's and the resources'.
func (g *Org) CalendarByID(id string) (Calendar, bool) {
	if u, ok := g.UserByEmail(id); ok && g.HasData() {
		return g.Calendars(u.Index)[0], true
	}
	var user int
	var h uint32
	if _, err := fmt.Sscanf(id, "u%dteam%06x@group.calendar.google.com", &user, &h); err == nil && user >= 0 && user < len(g.users) && g.HasData() {
		if c := g.Calendars(user)[1]; c.ID == id {
			return c, true
		}
	}
	for i, r := range g.resources {
		if strings.EqualFold(r.Email, id) {
			return g.ResourceCalendar(i), true
		}
	}
	return Calendar{}, false
}

// EventRows is the number of rows Event accepts: three per event, since a
// recurring series has a master and two exceptions.
func (c Calendar) EventRows() int { return c.events * 3 }

// Event returns row i of the calendar, or false when the row is empty.
// The last event of a user's primary calendar is deleted (cancelled).
func (g *Org) Event(c Calendar, row int) (Event, bool) {
	e, sub := row/3, row%3
	kind := e % 5
	if c.Owner < 0 {
		kind = 4
	}
	if sub > 0 && kind != 0 {
		return Event{}, false
	}
	r := g.rng(kEvent, c.key, uint64(e))
	day := g.opt.Now.Truncate(24*time.Hour).AddDate(0, 0, r.IntN(60)-30)
	ev := Event{ID: fmt.Sprintf("ev%04x%06x", e, mix(c.key, uint64(e))&0xffffff), Status: "confirmed",
		Summary: fmt.Sprintf("Meeting %d", e), TimeZone: c.TimeZone, Organizer: c.ID,
		Created: day.AddDate(0, 0, -20), Location: "Room 1"}
	ev.Updated = ev.Created.Add(time.Hour)
	loc := mustZone(c.TimeZone)
	ev.Start = time.Date(day.Year(), day.Month(), day.Day(), 9+r.IntN(8), 0, 0, 0, loc)
	ev.End = ev.Start.Add(time.Duration(30+30*r.IntN(3)) * time.Minute)
	if c.Primary && e == c.events-1 {
		ev.Status, ev.Summary = "cancelled", "Deleted meeting"
		return ev, true
	}
	g.shapeEvent(&ev, c, kind, sub)
	return ev, true
}

func (g *Org) shapeEvent(ev *Event, c Calendar, kind, sub int) {
	switch kind {
	case 0:
		ev.Summary = "Weekly sync"
		ev.Recurrence = []string{"RRULE:FREQ=WEEKLY;COUNT=10"}
		if sub == 0 {
			return
		}
		orig := ev.Start.AddDate(0, 0, 7*sub)
		ev.RecurringEventID, ev.OriginalStart, ev.Recurrence = ev.ID, orig, nil
		ev.ID = ev.ID + "_" + orig.UTC().Format("20060102T150405Z")
		ev.Start, ev.End = orig.Add(time.Hour), orig.Add(90*time.Minute)
		ev.Summary = "Weekly sync (moved)"
		if sub == 2 {
			ev.Status, ev.Summary = "cancelled", "Weekly sync (cancelled)"
		}
	case 1:
		ev.AllDay, ev.Summary = true, "Conference day"
		ev.Start = time.Date(ev.Start.Year(), ev.Start.Month(), ev.Start.Day(), 0, 0, 0, 0, time.UTC)
		ev.End = ev.Start.AddDate(0, 0, 2)
	case 2, 3:
		tz := []string{"America/New_York", "Asia/Tokyo"}[kind-2]
		ev.TimeZone, ev.Start, ev.End = tz, ev.Start.In(mustZone(tz)), ev.End.In(mustZone(tz))
		ev.Summary = "Call with " + tz
		if g.opt.Hostile {
			ev.Summary = "<img src=x onerror=alert(1)>\r\nInjected: header"
		}
	}
	if c.Owner >= 0 && len(g.users) > 1 {
		other := g.users[(c.Owner+1+kind)%len(g.users)]
		ev.Attendees = []string{g.users[c.Owner].Email, other.Email}
	}
}

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return loc
}
