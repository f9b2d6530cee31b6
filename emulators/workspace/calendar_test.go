package workspace_test

import (
	"context"
	"testing"

	calendar "google.golang.org/api/calendar/v3"
	people "google.golang.org/api/people/v1"

	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/export"
)

func TestCalendarSeriesExceptionsAndDeletedEvents(t *testing.T) {
	t.Parallel()
	opt := synth.Tiny(2)
	opt.EventsPerUser = 9
	s := start(t, opt, workspace.Faults{})
	ctx := context.Background()
	user := s.Org().Users()[1].Email
	svc, err := calendar.NewService(ctx, clientOpts(t, s, "calendar", user)...)
	if err != nil {
		t.Fatal(err)
	}
	cals, err := svc.CalendarList.List().Do()
	if err != nil || len(cals.Items) != 2 || !cals.Items[0].Primary {
		t.Fatalf("calendarList: %v %+v", err, cals)
	}
	want := map[string]bool{}
	for it := range s.Truth(user) {
		if it.Product == export.Calendar {
			want[it.ItemID] = true
		}
	}
	got := map[string]bool{}
	var recurring, exceptions, cancelled, allDay int
	zones := map[string]bool{}
	for _, c := range cals.Items {
		err := svc.Events.List(c.Id).ShowDeleted(true).SingleEvents(false).MaxResults(4).Pages(ctx, func(p *calendar.Events) error {
			for _, e := range p.Items {
				if e.Status == "cancelled" {
					cancelled++
					continue
				}
				got[e.Id] = true
				switch {
				case len(e.Recurrence) > 0:
					recurring++
				case e.RecurringEventId != "":
					exceptions++
				}
				if e.Start.Date != "" {
					allDay++
				} else {
					zones[e.Start.TimeZone] = true
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if recurring == 0 || exceptions == 0 || cancelled < 2 || allDay == 0 || len(zones) < 3 {
		t.Errorf("recurring %d, exceptions %d, cancelled %d, all-day %d, zones %v", recurring, exceptions, cancelled, allDay, zones)
	}
	if len(got) != len(want) {
		t.Errorf("read %d events, truth has %d", len(got), len(want))
	}
	for id := range want {
		if !got[id] {
			t.Errorf("event %s in truth, not served", id)
		}
	}
	cal, err := svc.Calendars.Get(user).Fields("timeZone").Do()
	if err != nil || cal.TimeZone != "Europe/Stockholm" || cal.Summary != "" {
		t.Errorf("calendars.get with fields=timeZone: %v %+v", err, cal)
	}
	plain, err := svc.Events.List("primary").Do()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range plain.Items {
		if e.Status == "cancelled" {
			t.Errorf("cancelled event %s listed without showDeleted", e.Id)
		}
	}
}

func TestResourceCalendarsNeedAnAdmin(t *testing.T) {
	t.Parallel()
	s := start(t, synth.Tiny(2), workspace.Faults{})
	ctx := context.Background()
	room := s.Org().Resources()[0].Email
	asAdmin, _ := calendar.NewService(ctx, clientOpts(t, s, "calendar", "admin@example.com")...)
	ev, err := asAdmin.Events.List(room).Do()
	if err != nil || len(ev.Items) == 0 {
		t.Fatalf("resource bookings: %v %+v", err, ev)
	}
	asUser, _ := calendar.NewService(ctx, clientOpts(t, s, "calendar", s.Org().Users()[5].Email)...)
	_, err = asUser.Events.List(room).Do()
	wantAPIError(t, err, 404, "notFound")
}

func TestPeopleContactsGroupsAndOtherContacts(t *testing.T) {
	t.Parallel()
	s := start(t, synth.Tiny(2), workspace.Faults{})
	ctx := context.Background()
	user := s.Org().Users()[2].Email
	svc, err := people.NewService(ctx, clientOpts(t, s, "people", user)...)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for it := range s.Truth(user) {
		if it.Product == export.Contacts {
			want[it.ItemID] = true
		}
	}
	got := map[string]bool{}
	hc, _ := s.HTTPClient(ctx, user)
	photos := 0
	err = svc.People.Connections.List("people/me").PersonFields("names,emailAddresses,photos,memberships").PageSize(3).
		Pages(ctx, func(p *people.ListConnectionsResponse) error {
			for _, c := range p.Connections {
				got[c.ResourceName] = true
				if len(c.Names) != 1 || len(c.EmailAddresses) != 1 || len(c.Memberships) == 0 || c.PhoneNumbers != nil {
					t.Errorf("contact %+v does not follow personFields", c)
				}
				for _, ph := range c.Photos {
					res, err := hc.Get(ph.Url)
					if err != nil || res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/png" {
						t.Errorf("photo %s: %v %v", ph.Url, err, res)
					}
					res.Body.Close()
					photos++
				}
			}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	other, err := svc.OtherContacts.List().ReadMask("names,emailAddresses").Do()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range other.OtherContacts {
		got[c.ResourceName] = true
	}
	if len(got) != len(want) || photos == 0 {
		t.Errorf("read %d contacts (%d photos), truth has %d", len(got), photos, len(want))
	}
	for id := range want {
		if !got[id] {
			t.Errorf("contact %s in truth, not served", id)
		}
	}
	groups, err := svc.ContactGroups.List().GroupFields("name").Do()
	if err != nil || len(groups.ContactGroups) != 4 || groups.ContactGroups[2].Name != "Family" || groups.ContactGroups[2].GroupType != "" {
		t.Fatalf("contactGroups with groupFields=name: %v %+v", err, groups)
	}
	_, err = svc.People.Connections.List("people/me").Do()
	wantAPIError(t, err, 400, "badRequest")
}
