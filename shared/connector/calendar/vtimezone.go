package calendar

import (
	"fmt"
	"time"

	"github.com/emersion/go-ical"
)

// vtimezone describes loc from the start of year from to the end of year
// to: the offset in force at the start, then every transition.
func vtimezone(loc *time.Location, from, to int) *ical.Component {
	tz := ical.NewComponent(ical.CompTimezone)
	tz.Props.SetText(ical.PropTimezoneID, loc.String())
	t := time.Date(from, 1, 1, 0, 0, 0, 0, loc)
	end := time.Date(to+1, 1, 1, 0, 0, 0, 0, loc)
	_, off := t.Zone()
	tz.Children = append(tz.Children, observance(t, off))
	for i := 0; i < 4*(to-from+1); i++ { // at most a few transitions a year
		_, next := t.ZoneBounds()
		if next.IsZero() || !next.Before(end) {
			break
		}
		_, prev := t.Zone()
		tz.Children = append(tz.Children, observance(next, prev))
		t = next
	}
	return tz
}

// observance is the STANDARD or DAYLIGHT part starting at t, coming from
// offset from.
func observance(t time.Time, from int) *ical.Component {
	name, off := t.Zone()
	kind := ical.CompTimezoneStandard
	if t.IsDST() {
		kind = ical.CompTimezoneDaylight
	}
	c := ical.NewComponent(kind)
	start := ical.NewProp(ical.PropDateTimeStart)
	start.Value = t.In(time.FixedZone("", from)).Format("20060102T150405")
	c.Props.Set(start)
	c.Props.Set(offsetProp(ical.PropTimezoneOffsetFrom, from))
	c.Props.Set(offsetProp(ical.PropTimezoneOffsetTo, off))
	c.Props.SetText(ical.PropTimezoneName, name)
	return c
}

func offsetProp(name string, secs int) *ical.Prop {
	p := ical.NewProp(name)
	sign := '+'
	if secs < 0 {
		sign, secs = '-', -secs
	}
	p.Value = fmt.Sprintf("%c%02d%02d", sign, secs/3600, secs/60%60)
	if secs%60 != 0 {
		p.Value += fmt.Sprintf("%02d", secs%60)
	}
	return p
}
