package control

import (
	"context"
	"time"

	"github.com/orgexport/orgexport/shared/auth"
	"github.com/orgexport/orgexport/shared/export"
)

// Rule is one rule of R1 as it stands for the signed-in admin: passed, or
// failed with what to do about it.
type Rule struct {
	Rule   string // "R1a" … "R1d"
	Title  string // what the rule asks, in a few words
	Passed bool
	Fix    string // the refusal's message, when the rule fails
}

// Checklist is what an admin sees before starting an export: the
// organisation, every rule of R1 for them, and the one-export state of R2.
type Checklist struct {
	Org   Org
	Admin string
	Rules []Rule
	// Users counts the organisation's users (up to the limit of R1d).
	Users int
	// SuperAdmins are those emailed of a request (R3a); with one, there
	// is no hold (R3b).
	SuperAdmins []string
	// Hold is how long an export waits when there are several super
	// administrators.
	Hold time.Duration
	// ActiveExport is the export on hold, running or assembling, if any
	// (R2a).
	ActiveExport string
	// NextStart is when the next export may start, when that is later
	// than now (R2b).
	NextStart time.Time
	// OverrideUntil is support's override of R1d, when granted (R14b).
	OverrideUntil time.Time
	Now           time.Time
}

// Eligible reports whether every rule passes and nothing blocks a start.
func (c Checklist) Eligible() bool {
	for _, r := range c.Rules {
		if !r.Passed {
			return false
		}
	}
	return c.ActiveExport == "" && c.NextStart.IsZero()
}

var ruleTitles = []struct{ id, title string }{
	{"R1a", "You are a super administrator of the organisation"},
	{"R1b", "2-Step Verification is enrolled and enforced for your account"},
	{"R1c", "Your account has been on the domain for at least 30 days"},
	{"R1d", "The organisation has fewer than 1,000 users, or support enabled the tool"},
}

// Checklist evaluates R1 for the caller, a super administrator, and reads
// the organisation's R2 state, without starting anything.
func (s *Service) Checklist(ctx context.Context, p auth.Principal) (Checklist, error) {
	org, req, err := s.superAdmin(ctx, p)
	if err != nil {
		return Checklist{}, err
	}
	now := s.now()
	rec, err := s.Store.Organisation(ctx, org.CustomerID)
	if err != nil {
		return Checklist{}, err
	}
	users, err := s.Directory.CountUsers(ctx, p.Email)
	if err != nil {
		return Checklist{}, err
	}
	admins, err := s.Directory.SuperAdmins(ctx, org, p.Email)
	if err != nil {
		return Checklist{}, err
	}
	req.OrgCreated, req.OrgUsers = org.Created, users
	req.OverrideGranted, req.OverrideUntil = !rec.OverrideUntil.IsZero(), rec.OverrideUntil
	failed := map[string]string{}
	for _, r := range export.Eligibility(req, now) {
		failed[r.Rule] = r.Message
	}
	c := Checklist{Org: org, Admin: p.Email, Users: users, SuperAdmins: admins, Hold: s.Hold,
		ActiveExport: rec.ActiveExport, OverrideUntil: rec.OverrideUntil, Now: now}
	for _, t := range ruleTitles {
		fix, bad := failed[t.id]
		c.Rules = append(c.Rules, Rule{Rule: t.id, Title: t.title, Passed: !bad, Fix: fix})
	}
	if rec.CooldownEnd.After(now) {
		c.NextStart = rec.CooldownEnd
	}
	return c, nil
}

// Breakdown returns export eid of p's organisation and its progress by
// account type and product, with a few of its accounts with errors: what
// the console's export page shows while it runs.
func (s *Service) Breakdown(ctx context.Context, p auth.Principal, eid string) (*export.Export, export.Breakdown, error) {
	e, err := s.Get(ctx, p, eid)
	if err != nil {
		return nil, export.Breakdown{}, err
	}
	b, err := s.Store.Breakdown(ctx, e.CustomerID, e.ID)
	return e, b, err
}
