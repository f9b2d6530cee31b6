package calendar

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/emersion/go-ical"
	"google.golang.org/api/calendar/v3"
)

// book turns one calendar's events into an iCalendar file.
type book struct {
	tz      *time.Location // the calendar's zone, for times without one
	now     time.Time
	zones   map[string]*time.Location
	years   [2]int
	events  []*ical.Component
	byUID   map[string]*ical.Component // series masters
	exdates map[string][]*calendar.EventDateTime
	items   []string // event ids written
}

func newBook(tzName string, now time.Time) *book {
	if tzName == "" {
		tzName = "UTC"
	}
	b := &book{tz: time.UTC, now: now, zones: map[string]*time.Location{}, byUID: map[string]*ical.Component{},
		exdates: map[string][]*calendar.EventDateTime{}, years: [2]int{now.Year(), now.Year()}}
	b.tz = b.zone(tzName)
	return b
}

// zone loads a time zone by IANA name, UTC when unknown, and remembers it
// for a VTIMEZONE.
func (b *book) zone(name string) *time.Location {
	if name == "" {
		return b.tz
	}
	if loc, ok := b.zones[name]; ok {
		return loc
	}
	loc, err := time.LoadLocation(name)
	if err != nil || loc == time.UTC {
		return time.UTC
	}
	b.zones[name] = loc
	return loc
}

// add takes one event as the API lists it (singleEvents=false).
func (b *book) add(ev *calendar.Event) error {
	if ev.Status == "cancelled" {
		if ev.RecurringEventId != "" && ev.OriginalStartTime != nil {
			b.exdates[ev.RecurringEventId] = append(b.exdates[ev.RecurringEventId], ev.OriginalStartTime)
		}
		return nil
	}
	c, err := b.vevent(ev)
	if err != nil {
		return fmt.Errorf("event %s: %w", ev.Id, err)
	}
	b.events = append(b.events, c)
	if ev.RecurringEventId == "" {
		b.byUID[ev.Id] = c
	}
	b.items = append(b.items, ev.Id)
	return nil
}

func (b *book) vevent(ev *calendar.Event) (*ical.Component, error) {
	c := ical.NewComponent(ical.CompEvent)
	uid := ev.ICalUID
	if uid == "" {
		uid = ev.Id
		if ev.RecurringEventId != "" {
			uid = ev.RecurringEventId
		}
	}
	c.Props.SetText(ical.PropUID, uid)
	stamp := ical.NewProp(ical.PropDateTimeStamp)
	stamp.SetDateTime(b.now.UTC())
	c.Props.Set(stamp)
	for _, p := range []struct {
		name string
		t    *calendar.EventDateTime
	}{{ical.PropDateTimeStart, ev.Start}, {ical.PropDateTimeEnd, ev.End}, {ical.PropRecurrenceID, ev.OriginalStartTime}} {
		if p.t == nil || (p.t.Date == "" && p.t.DateTime == "") {
			continue
		}
		prop, err := b.when(p.name, p.t)
		if err != nil {
			return nil, err
		}
		c.Props.Set(prop)
	}
	b.text(c, ical.PropSummary, ev.Summary)
	b.text(c, ical.PropDescription, ev.Description)
	b.text(c, ical.PropLocation, ev.Location)
	if ev.Status != "" {
		c.Props.SetText(ical.PropStatus, strings.ToUpper(ev.Status))
	}
	b.people(c, ev)
	b.stamps(c, ev)
	return c, b.recurrence(c, ev.Recurrence)
}

func (b *book) text(c *ical.Component, name, v string) {
	if v = cleanText(v); v != "" {
		c.Props.SetText(name, v)
	}
}

// cleanText makes line breaks LF (escaped as \n by go-ical) and drops the
// other control characters, which iCalendar TEXT does not allow.
func cleanText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\r':
			return '\n'
		case r == '\n', r == '\t':
			return r
		case r < 0x20 || r == 0x7f:
			return -1
		}
		return r
	}, s)
}

// when converts an API date or date-time into a DATE, or a local time
// with TZID (UTC when the zone is unknown).
func (b *book) when(name string, t *calendar.EventDateTime) (*ical.Prop, error) {
	p := ical.NewProp(name)
	if t.Date != "" {
		d, err := time.Parse("2006-01-02", t.Date)
		if err != nil {
			return nil, err
		}
		p.SetDate(d)
		b.seen(d)
		return p, nil
	}
	d, err := time.Parse(time.RFC3339, t.DateTime)
	if err != nil {
		return nil, err
	}
	d = d.In(b.zone(t.TimeZone))
	b.seen(d)
	p.SetDateTime(d)
	return p, nil
}

func (b *book) seen(t time.Time) {
	b.years[0], b.years[1] = min(b.years[0], t.Year()), max(b.years[1], t.Year())
}

func (b *book) people(c *ical.Component, ev *calendar.Event) {
	if ev.Organizer != nil && ev.Organizer.Email != "" {
		p := ical.NewProp(ical.PropOrganizer)
		p.Value = "mailto:" + ev.Organizer.Email
		c.Props.Set(p)
	}
	for _, a := range ev.Attendees {
		if a.Email == "" {
			continue
		}
		p := ical.NewProp(ical.PropAttendee)
		p.Value = "mailto:" + a.Email
		if a.ResponseStatus != "" {
			p.Params.Set(ical.ParamParticipationStatus, partstat(a.ResponseStatus))
		}
		if a.Resource {
			p.Params.Set(ical.ParamCalendarUserType, "RESOURCE")
		}
		c.Props.Add(p)
	}
}

func partstat(s string) string {
	switch s {
	case "accepted":
		return "ACCEPTED"
	case "declined":
		return "DECLINED"
	case "tentative":
		return "TENTATIVE"
	}
	return "NEEDS-ACTION"
}

func (b *book) stamps(c *ical.Component, ev *calendar.Event) {
	for name, v := range map[string]string{ical.PropCreated: ev.Created, ical.PropLastModified: ev.Updated} {
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			p := ical.NewProp(name)
			p.SetDateTime(t.UTC())
			c.Props.Set(p)
		}
	}
}

// recurrence copies RRULE, RDATE and EXDATE lines ("NAME;PARAMS:VALUE").
func (b *book) recurrence(c *ical.Component, lines []string) error {
	for _, line := range lines {
		head, value, ok := strings.Cut(line, ":")
		if !ok {
			return fmt.Errorf("bad recurrence line %q", line)
		}
		parts := strings.Split(head, ";")
		p := ical.NewProp(strings.ToUpper(parts[0]))
		for _, param := range parts[1:] {
			k, v, _ := strings.Cut(param, "=")
			p.Params.Set(strings.ToUpper(k), v)
			if strings.EqualFold(k, "TZID") {
				b.zone(v)
			}
		}
		p.Value = value
		c.Props.Add(p)
	}
	return nil
}

// encode writes the calendar: VTIMEZONEs, then events with cancelled
// occurrences turned into EXDATEs of their series.
func (b *book) encode(w io.Writer, name string) error {
	for id, dates := range b.exdates {
		master, ok := b.byUID[id]
		if !ok {
			continue
		}
		for _, d := range dates {
			if p, err := b.when(ical.PropExceptionDates, d); err == nil {
				master.Props.Add(p)
			}
		}
	}
	cal := ical.NewCalendar()
	cal.Props.SetText(ical.PropVersion, "2.0")
	cal.Props.SetText(ical.PropProductID, "-//orgexport//Calendar export//EN")
	cal.Props.SetText("X-WR-CALNAME", cleanText(name))
	b.zone(b.tz.String())
	names := make([]string, 0, len(b.zones))
	for n := range b.zones {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		cal.Children = append(cal.Children, vtimezone(b.zones[n], b.years[0], b.years[1]+1))
	}
	cal.Children = append(cal.Children, b.events...)
	if len(cal.Children) == 0 {
		cal.Children = append(cal.Children, vtimezone(time.UTC, b.years[0], b.years[0]))
	}
	return ical.NewEncoder(folder{w}).Encode(cal)
}
