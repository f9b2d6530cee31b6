package startexport_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/auth"
	"github.com/orgexport/orgexport/shared/control"
)

// The console's checklist (R1 for the signed-in admin, R2's state) says
// what a start would say, without starting anything.
func TestChecklistNamesEveryRuleAndTheOneExportState(t *testing.T) {
	s := newStack(t, synth.Tiny(60))
	ctx := context.Background()
	who := func(i int) auth.Principal {
		return auth.Principal{Email: s.user(i), HostedDomain: s.org.Options().Domain}
	}
	c, err := s.svc.Checklist(ctx, who(1)) // super admin without 2SV enforced
	if err != nil {
		t.Fatal(err)
	}
	var failed []string
	for _, r := range c.Rules {
		if !r.Passed {
			failed = append(failed, r.Rule)
			if !strings.Contains(r.Fix, "child organisational unit") {
				t.Errorf("R1b's fix lacks the tip: %q", r.Fix)
			}
		}
	}
	if len(c.Rules) != 4 || len(failed) != 1 || failed[0] != "R1b" || c.Eligible() {
		t.Errorf("checklist of %s: %d rules, failed %v, eligible %v", s.user(1), len(c.Rules), failed, c.Eligible())
	}
	if len(c.SuperAdmins) != len(s.superAdmins()) || c.Users != len(s.org.Users()) {
		t.Errorf("checklist: %d super admins, %d users", len(c.SuperAdmins), c.Users)
	}
	if _, err := s.svc.Checklist(ctx, who(5)); !errors.Is(err, control.ErrNotSuperAdmin) {
		t.Errorf("checklist of an admin who is not super: %v", err)
	}
	if a := s.audit(s.user(0)); len(a) != 0 {
		t.Errorf("reading the checklist was audited: %+v", a)
	}

	v := s.start(s.user(0))
	c, _ = s.svc.Checklist(ctx, who(0))
	if c.ActiveExport != v.ID || c.Eligible() {
		t.Errorf("during an export: active %q, eligible %v", c.ActiveExport, c.Eligible())
	}
	done := s.clock.Now().Add(time.Hour)
	s.complete(v.ID, done)
	c, _ = s.svc.Checklist(ctx, who(0))
	if !c.NextStart.Equal(done.Add(30*24*time.Hour)) || c.ActiveExport != "" || c.Eligible() {
		t.Errorf("after completion: next start %s, active %q", c.NextStart, c.ActiveExport)
	}
}
