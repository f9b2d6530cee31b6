// Package calendar exports a user's calendars, and a calendar resource's
// bookings for the customer-owned account, as "Calendar/<calendar
// name>.ics", one iCalendar (RFC 5545) file per calendar.
//
// Files are built with github.com/emersion/go-ical. Recurring series keep
// their RRULE/RDATE/EXDATE lines; modified occurrences become VEVENTs with
// the series' UID and a RECURRENCE-ID; cancelled occurrences become EXDATEs
// of their series; all-day events use DATE values; every time zone used
// gets a VTIMEZONE built from Go's time zone database. Content lines are
// folded at 75 octets.
//
// # Resuming
//
// A calendar is read whole (its exceptions refer to its series) and
// written as one entry; calendars are exported in id order and the cursor
// is the id of the last calendar written.
package calendar
