package calendar_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/connector/calendar"
	"github.com/orgexport/orgexport/shared/connector/connectortest"
	"github.com/orgexport/orgexport/shared/export"
)

// readICS parses every file with python3-icalendar and with vobject, and
// prints one line per component.
const readICS = `
import sys, icalendar, vobject
for path in sys.argv[1:]:
    data = open(path, 'rb').read()
    list(vobject.readComponents(data.decode('utf-8')))  # a second parser must accept it too
    cal = icalendar.Calendar.from_ical(data)
    for c in cal.walk():
        if c.name == 'VTIMEZONE':
            print('TZ', c['TZID'], len(c.subcomponents))
        if c.name == 'VEVENT':
            s = c.get('DTSTART')
            kind = 'DATE' if not hasattr(s.dt, 'hour') else 'TIME ' + str(getattr(s.dt.tzinfo, 'zone', s.dt.tzinfo))
            print('EV', c['UID'], kind, 'RRULE' if 'RRULE' in c else '-', 'RECURRENCE-ID' if 'RECURRENCE-ID' in c else '-',
                  'EXDATE' if 'EXDATE' in c else '-', repr(str(c.get('SUMMARY'))))
`

func exportCalendars(t *testing.T, a func(*connectortest.Env) connector.Account) (*connectortest.Env, connector.Account, *connectortest.Result) {
	opts := synth.Tiny(4)
	opts.Hostile = true
	env := connectortest.Start(t, opts)
	acc := a(env)
	c := calendar.New(env.Factory, calendar.Options{Now: func() time.Time { return synth.DefaultNow }})
	r, err := connectortest.ExportAll(context.Background(), c, acc, nil)
	if err != nil {
		t.Fatal(err)
	}
	return env, acc, r
}

func TestIndependentParsersReadEveryCalendar(t *testing.T) {
	env, a, r := exportCalendars(t, func(env *connectortest.Env) connector.Account { return env.Accounts()[0] })
	if len(r.Entries()) != 2 {
		t.Fatalf("%d calendar files, want the user's 2", len(r.Entries()))
	}
	out := connectortest.ReadWithPython(t, readICS, r.Entries())
	events := strings.Count(out, "\nEV ") + map[bool]int{true: 1}[strings.HasPrefix(out, "EV ")]
	if want := len(env.Truth(a, export.Calendar)); events != want {
		t.Errorf("parsers read %d events, the truth has %d:\n%s", events, want, out)
	}
	for _, want := range []string{
		"TZ Europe/Stockholm", "TZ America/New_York", "TZ Asia/Tokyo", // every zone used has a VTIMEZONE
		" DATE ",            // all-day event
		"RRULE - EXDATE",    // series with its cancelled occurrence excluded
		"- RECURRENCE-ID -", // the moved occurrence
		"TIME Asia/Tokyo",   // a time in another zone than the calendar's
		`'<img src=x onerror=alert(1)>\nInjected: header'`, // CR/LF kept inside the value
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in what the parsers read:\n%s", want, out)
		}
	}
	for _, e := range r.Entries() {
		for _, line := range strings.Split(string(e.Data), "\r\n") {
			if len(line) > 75 {
				t.Errorf("%s: content line of %d octets, not folded", e.Path, len(line))
			}
		}
	}
}

func TestResourceBookingsAreExported(t *testing.T) {
	_, a, r := exportCalendars(t, func(env *connectortest.Env) connector.Account {
		for _, a := range env.Accounts() {
			if a.Kind == "calendar-resource" {
				return a
			}
		}
		t.Fatal("no calendar resource")
		return connector.Account{}
	})
	es := r.Entries()
	if len(es) != 1 || !strings.HasPrefix(es[0].Path, "Calendar/Room") || !strings.HasSuffix(es[0].Path, ".ics") {
		t.Fatalf("resource %s exported as %d entries, first %q", a.ID, len(es), es[0].Path)
	}
	out := connectortest.ReadWithPython(t, readICS, es)
	if strings.Count(out, "EV ") != 3 {
		t.Errorf("resource bookings read back:\n%s", out)
	}
}
