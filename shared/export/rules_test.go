package export

import (
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

const day = 24 * time.Hour

func eligible() Requester {
	return Requester{
		Email: "admin@example.com", IsSuperAdmin: true, Enrolled2SV: true, Enforced2SV: true,
		Created: now.Add(-400 * day), OrgCreated: now.Add(-500 * day), OrgUsers: 10, SuperAdminCount: 2,
	}
}

func rules(rs []Refusal) string {
	var s []string
	for _, r := range rs {
		s = append(s, r.Rule)
	}
	return strings.Join(s, ",")
}

func TestEligibilityEdges(t *testing.T) {
	cases := []struct {
		name string
		edit func(*Requester)
		want string
	}{
		{"eligible", func(*Requester) {}, ""},
		{"not super admin", func(r *Requester) { r.IsSuperAdmin = false }, "R1a"},
		{"2SV enrolled, not enforced", func(r *Requester) { r.Enforced2SV = false }, "R1b"},
		{"2SV not enrolled", func(r *Requester) { r.Enrolled2SV = false }, "R1b"},
		{"account 29d23h in an old org", func(r *Requester) { r.Created = now.Add(-30*day + time.Hour) }, "R1c"},
		{"account exactly 30d in an old org", func(r *Requester) { r.Created = now.Add(-30 * day) }, ""},
		{"young account in an org exactly 30d old", func(r *Requester) {
			r.OrgCreated, r.Created = now.Add(-30*day), now.Add(-day)
		}, ""},
		{"young account in an org 30d+1s old", func(r *Requester) {
			r.OrgCreated, r.Created = now.Add(-30*day-time.Second), now.Add(-day)
		}, "R1c"},
		{"999 users", func(r *Requester) { r.OrgUsers = 999 }, ""},
		{"1000 users", func(r *Requester) { r.OrgUsers = 1000 }, "R1d"},
		{"1000 users with override", func(r *Requester) {
			r.OrgUsers, r.OverrideGranted, r.OverrideUntil = 1000, true, now.Add(time.Minute)
		}, ""},
		{"1000 users with expired override", func(r *Requester) {
			r.OrgUsers, r.OverrideGranted, r.OverrideUntil = 1000, true, now
		}, "R1d"},
		{"everything wrong", func(r *Requester) {
			*r = Requester{Created: now, OrgCreated: now.Add(-365 * day), OrgUsers: 5000}
		}, "R1a,R1b,R1c,R1d"},
	}
	for _, c := range cases {
		r := eligible()
		c.edit(&r)
		if got := rules(Eligibility(r, now)); got != c.want {
			t.Errorf("%s: refused %q, want %q", c.name, got, c.want)
		}
	}
}

func TestRefusalTellsHowToFix2SV(t *testing.T) {
	r := eligible()
	r.Enforced2SV = false
	msg := Eligibility(r, now)[0].Message
	if !strings.Contains(msg, "child organisational unit") {
		t.Errorf("2SV refusal lacks the tip from the source: %q", msg)
	}
}

func TestHoldAndCutOffEdges(t *testing.T) {
	if got := HoldEnd(now, 1, 48*time.Hour); !got.Equal(now) {
		t.Errorf("one super admin: hold ends %v, want now", got)
	}
	if got := HoldEnd(now, 2, 48*time.Hour); !got.Equal(now.Add(48 * time.Hour)) {
		t.Errorf("two super admins: hold ends %v", got)
	}
	start := now
	cut := CutOff(start)
	if !Excluded(start.Add(-24*time.Hour+time.Minute), cut) {
		t.Error("account created 23h59m before the start is exported")
	}
	if Excluded(start.Add(-24*time.Hour), cut) {
		t.Error("account created 24h before the start is left out")
	}
}
