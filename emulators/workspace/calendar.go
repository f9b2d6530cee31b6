package workspace

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

func (s *Server) calendarRoutes(api func(string, string, http.HandlerFunc)) {
	api("calendar", "GET /calendar/v3/users/me/calendarList", handle(s.listCalendars))
	api("calendar", "GET /calendar/v3/calendars/{calendarId}/events", handle(s.listEvents))
	api("calendar", "GET /calendar/v3/calendars/{calendarId}", handle(s.getCalendar))
}

func (s *Server) getCalendar(w http.ResponseWriter, r *http.Request) error {
	c, err := s.calendarFor(r)
	if err != nil {
		return err
	}
	reply(w, r, obj{"kind": "calendar#calendar", "etag": etag("c" + c.ID), "id": c.ID, "summary": c.Summary, "timeZone": c.TimeZone}, "")
	return nil
}

func (s *Server) listCalendars(w http.ResponseWriter, r *http.Request) error {
	u := subject(r)
	items := []obj{}
	for _, c := range s.org.Calendars(u.Index) {
		e := obj{"kind": "calendar#calendarListEntry", "etag": etag(c.ID), "id": c.ID, "summary": c.Summary,
			"timeZone": c.TimeZone, "accessRole": "owner", "defaultReminders": []obj{}}
		if c.Primary {
			e["primary"] = true
		}
		items = append(items, e)
	}
	reply(w, r, obj{"kind": "calendar#calendarList", "etag": etag("cl" + u.ID), "items": items, "nextSyncToken": "sync-" + u.ID}, "")
	return nil
}

// calendarFor finds the calendar and checks the token's user may read it:
// their own, or a resource's for a super administrator.
func (s *Server) calendarFor(r *http.Request) (synth.Calendar, error) {
	u := subject(r)
	id := r.PathValue("calendarId")
	if id == "primary" {
		id = u.Email
	}
	c, ok := s.org.CalendarByID(id)
	if !ok || (c.Owner >= 0 && c.Owner != u.Index) || (c.Owner < 0 && !u.Admin) {
		return c, notFound("Not Found")
	}
	return c, nil
}

// listEvents returns series masters with their exceptions (singleEvents is
// not expanded); cancelled events only with showDeleted.
func (s *Server) listEvents(w http.ResponseWriter, r *http.Request) error {
	c, err := s.calendarFor(r)
	if err != nil {
		return err
	}
	if boolParam(r, "singleEvents") {
		return badRequest("singleEvents=true is not emulated; read series with their exceptions")
	}
	start, size, err := page(r, "maxResults", 250, 2500)
	if err != nil {
		return err
	}
	deleted := boolParam(r, "showDeleted")
	items := []obj{}
	row := start
	for ; row < c.EventRows() && len(items) < size; row++ {
		ev, ok := s.org.Event(c, row)
		if ok && (deleted || ev.Status != "cancelled") {
			items = append(items, eventJSON(ev))
		}
	}
	res := obj{"kind": "calendar#events", "etag": etag("ev" + c.ID), "summary": c.Summary, "timeZone": c.TimeZone,
		"accessRole": "owner", "updated": rfc3339(s.org.Options().Now), "defaultReminders": []obj{}, "items": items}
	if row < c.EventRows() {
		res["nextPageToken"] = strconv.Itoa(row)
	} else {
		res["nextSyncToken"] = "sync-" + strconv.Itoa(row)
	}
	reply(w, r, res, "")
	return nil
}

func eventTime(t time.Time, allDay bool, tz string) obj {
	if allDay {
		return obj{"date": t.Format("2006-01-02")}
	}
	return obj{"dateTime": t.Format(time.RFC3339), "timeZone": tz}
}

func eventJSON(ev synth.Event) obj {
	o := obj{"kind": "calendar#event", "etag": etag(ev.ID + ev.Status), "id": ev.ID, "status": ev.Status,
		"iCalUID": strings.SplitN(ev.ID, "_", 2)[0] + "@google.com"}
	if ev.RecurringEventID != "" {
		o["recurringEventId"] = ev.RecurringEventID
		o["originalStartTime"] = eventTime(ev.OriginalStart, false, ev.TimeZone)
	}
	if ev.Status == "cancelled" && ev.RecurringEventID != "" {
		return o // cancelled exceptions carry only their identity
	}
	o["summary"], o["location"], o["description"] = ev.Summary, ev.Location, ev.Description
	o["created"], o["updated"] = rfc3339(ev.Created), rfc3339(ev.Updated)
	o["start"], o["end"] = eventTime(ev.Start, ev.AllDay, ev.TimeZone), eventTime(ev.End, ev.AllDay, ev.TimeZone)
	o["organizer"] = obj{"email": ev.Organizer, "self": true}
	o["creator"] = obj{"email": ev.Organizer}
	o["htmlLink"] = "https://www.google.com/calendar/event?eid=" + ev.ID
	o["sequence"] = 0
	if len(ev.Recurrence) > 0 {
		o["recurrence"] = ev.Recurrence
	}
	if len(ev.Attendees) > 0 {
		var as []obj
		for i, a := range ev.Attendees {
			st := "accepted"
			if i > 0 {
				st = "needsAction"
			}
			as = append(as, obj{"email": a, "responseStatus": st})
		}
		o["attendees"] = as
	}
	return o
}
