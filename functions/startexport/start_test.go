package startexport_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/export"
)

// Tiny has three super administrators: user 0 is fit to export, user 1 has
// 2SV not enforced, user 2's account is 10 days old.
func TestStartWithSeveralSuperAdminsHoldsAndEmailsEveryone(t *testing.T) {
	s := newStack(t, synth.Tiny(1))
	admin := s.user(0)
	r := s.as(admin, http.MethodPost, "/exports", "")
	if r.Code != http.StatusAccepted {
		t.Fatalf("start: %d %s", r.Code, r.Body)
	}
	var v view
	r.decode(t, &v)
	now := s.clock.Now()
	if v.State != export.OnHold || !v.HoldEnd.Equal(now.Add(48*time.Hour)) || v.HoldRemaining != "48h0m0s" {
		t.Errorf("export %+v: want ON_HOLD until %s, 48h left", v, now.Add(48*time.Hour))
	}
	if !strings.HasSuffix(r.Location, "exports/"+v.ID) {
		t.Errorf("Location %q does not name the export %s", r.Location, v.ID)
	}
	ts := s.tasks.all()
	if len(ts) != 1 || !ts[0].At.Equal(v.HoldEnd) || ts[0].Name != "begin_"+v.ID || ts[0].Queue != export.ControlQueue {
		t.Errorf("tasks %+v: want one named begin task at the hold end", ts)
	}
	msgs := s.messages()
	if len(msgs) != 1 {
		t.Fatalf("%d emails, want 1 hold notice to every super administrator", len(msgs))
	}
	want := s.superAdmins()
	if got := slices.Sorted(slices.Values(msgs[0].To)); !slices.Equal(got, slices.Sorted(slices.Values(want))) || len(want) < 2 {
		t.Errorf("hold notice went to %v, want every super administrator %v", got, want)
	}
	text, _ := msgs[0].Part("text/plain")
	for _, must := range []string{admin, "2026-06-01T12:00:00Z", "2026-06-03T12:00:00Z", v.ID, "cancel"} {
		if !strings.Contains(text.Body, must) {
			t.Errorf("hold notice does not say %q (who, when, when it starts, how to cancel):\n%s", must, text.Body)
		}
	}
	audit := s.audit(admin)
	if len(audit) != 1 || audit[0].Action != export.ActionStart || audit[0].Actor != admin || audit[0].ExportID != v.ID {
		t.Errorf("audit %+v: want the start by %s", audit, admin)
	}
}

func TestStartWithOneSuperAdminStartsAtOnceWithoutEmail(t *testing.T) {
	opts := synth.Tiny(2)
	opts.Users = 1
	s := newStack(t, opts)
	v := s.start(s.user(0))
	if !v.HoldEnd.Equal(s.clock.Now()) || v.HoldRemaining != "0s" {
		t.Errorf("hold ends %s (%s left), want at once (%s)", v.HoldEnd, v.HoldRemaining, s.clock.Now())
	}
	if ts := s.tasks.all(); len(ts) != 1 || !ts[0].At.Equal(v.HoldEnd) {
		t.Errorf("tasks %+v: want the begin task now", ts)
	}
	if msgs := s.messages(); len(msgs) != 0 {
		t.Errorf("%d emails sent; with one super administrator there is none (R3b)", len(msgs))
	}
}

func TestHundredConcurrentStartsMakeOneExport(t *testing.T) {
	s := newStack(t, synth.Tiny(3))
	tok := "Bearer " + s.token(s.user(0))
	const n = 100
	replies := make([]reply, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { replies[i] = s.call(http.MethodPost, "/exports", tok, "{}") })
	}
	wg.Wait()
	var winner string
	for _, r := range replies {
		if r.Code == http.StatusAccepted {
			if winner != "" {
				t.Fatal("two starts accepted")
			}
			var v view
			r.decode(t, &v)
			winner = v.ID
		}
	}
	if winner == "" {
		t.Fatal("no start accepted")
	}
	conflicts := 0
	for _, r := range replies {
		if r.Code == http.StatusAccepted {
			continue
		}
		e := r.err(t)
		if r.Code != http.StatusConflict || len(e.Error.Details) == 0 || e.Error.Details[0]["export_id"] != winner {
			t.Errorf("refused start: %d %s; want 409 naming %s", r.Code, r.Body, winner)
			continue
		}
		conflicts++
	}
	if conflicts != n-1 {
		t.Errorf("%d conflicts, want %d", conflicts, n-1)
	}
	list := s.as(s.user(0), http.MethodGet, "/exports", "")
	var l struct{ Exports []view }
	list.decode(t, &l)
	if len(l.Exports) != 1 {
		t.Errorf("%d exports listed, want 1", len(l.Exports))
	}
	if msgs := s.messages(); len(msgs) != 1 {
		t.Errorf("%d hold notices, want 1", len(msgs))
	}
	// Every answer has its audit record: one start, 99 refusals naming it.
	starts, refused := 0, 0
	for _, a := range s.audit(s.user(0)) {
		switch {
		case a.Action == export.ActionStart && a.ExportID == winner:
			starts++
		case a.Action == export.ActionStartRefused && strings.Contains(fmt.Sprint(a.Detail["reason"]), winner):
			refused++
		default:
			t.Errorf("unexpected audit entry %+v", a)
		}
	}
	if starts != 1 || refused != n-1 {
		t.Errorf("audit has %d starts and %d refusals, want 1 and %d", starts, refused, n-1)
	}
}

// refusal starts as email and wants a 403 naming exactly rules.
func refusal(t *testing.T, s *stack, email string, rules ...string) apiError {
	t.Helper()
	r := s.as(email, http.MethodPost, "/exports", "{}")
	if r.Code != http.StatusForbidden {
		t.Fatalf("start as %s: %d %s; want 403 naming %v", email, r.Code, r.Body, rules)
	}
	e := r.err(t)
	var got []string
	if len(e.Error.Details) > 0 {
		refs, _ := e.Error.Details[0]["refusals"].([]any)
		for _, ref := range refs {
			got = append(got, fmt.Sprint(ref.(map[string]any)["rule"]))
		}
	}
	if !slices.Equal(got, rules) {
		t.Errorf("refusal names %v, want %v: %s", got, rules, e.Error.Message)
	}
	return e
}

func TestRefusalNamesEveryFailedRuleAndIsAudited(t *testing.T) {
	opts := synth.Tiny(4)
	opts.Users, opts.MetadataOnly = 1000, true
	s := newStack(t, opts)
	e := refusal(t, s, s.user(1), "R1b", "R1d")
	for _, must := range []string{"not enforced", "child organisational unit", "1000 users", "support"} {
		if !strings.Contains(e.Error.Message, must) {
			t.Errorf("refusal does not say %q: %s", must, e.Error.Message)
		}
	}
	s.clock.Add(time.Second)
	refusal(t, s, s.user(2), "R1c", "R1d")
	audit := s.audit(s.user(0))
	if len(audit) != 2 || audit[0].Action != export.ActionStartRefused || audit[1].Actor != s.user(1) {
		t.Errorf("audit %+v: want both refusals, newest first", audit)
	}
	r := s.as(s.user(5), http.MethodPost, "/exports", "{}")
	if r.Code != http.StatusForbidden || !strings.Contains(r.err(t).Error.Message, "super administrator") {
		t.Errorf("start by a user who is no admin: %d %s", r.Code, r.Body)
	}
}

func TestUserLimitEdges(t *testing.T) {
	for _, c := range []struct {
		users    int
		override time.Duration // from now; 0 none
		ok       bool
	}{
		{999, 0, true},
		{1000, 0, false},
		{1000, time.Hour, true},
		{1000, -time.Second, false}, // expired override
	} {
		t.Run(fmt.Sprintf("%d users override %v", c.users, c.override), func(t *testing.T) {
			opts := synth.Tiny(5)
			opts.Users, opts.MetadataOnly = c.users, true
			s := newStack(t, opts)
			if c.override != 0 {
				s.grant(time.Hour)
				s.clock.Add(time.Hour - c.override)
			}
			if c.ok {
				s.start(s.user(0))
			} else {
				refusal(t, s, s.user(0), "R1d")
			}
		})
	}
}

// User 2 of Tiny is a super administrator with 2SV whose account was
// created 10 days before the organisation's reference time.
func TestAdminAgeEdges(t *testing.T) {
	opts := synth.Tiny(6)
	s := newStack(t, opts)
	created := s.org.Users()[2].Created
	s.clock.Set(created.Add(30*24*time.Hour - time.Minute))
	refusal(t, s, s.user(2), "R1c")
	s.clock.Set(created.Add(30 * 24 * time.Hour))
	s.start(s.user(2))
}

func TestYoungOrganisationWaivesAdminAge(t *testing.T) {
	opts := synth.Tiny(7)
	opts.YoungCustomer = true // the organisation is 10 days old, as is user 2
	s := newStack(t, opts)
	s.start(s.user(2))
}

func TestCooldownEdgesAndSupportReset(t *testing.T) {
	s := newStack(t, synth.Tiny(8))
	admin := s.user(0)
	first := s.start(admin)
	done := s.clock.Now().Add(72 * time.Hour)
	s.complete(first.ID, done)

	s.clock.Set(done.Add(30*24*time.Hour - time.Hour))
	r := s.as(admin, http.MethodPost, "/exports", "{}")
	e := r.err(t)
	if r.Code != http.StatusConflict || e.Error.Status != "FAILED_PRECONDITION" || !strings.Contains(e.Error.Message, "30 days") {
		t.Fatalf("start 29d23h after completion: %d %s; want a cool-down refusal", r.Code, r.Body)
	}
	s.clock.Set(done.Add(30 * 24 * time.Hour))
	second := s.start(admin)

	// Support's reset lets the next one start at once (R14a).
	s.clock.Add(time.Minute)
	s.complete(second.ID, s.clock.Now())
	s.clock.Add(time.Minute)
	if r := s.as(admin, http.MethodPost, "/exports", "{}"); r.Code != http.StatusConflict {
		t.Fatalf("start right after completion: %d", r.Code)
	}
	s.clock.Add(time.Minute)
	s.resetCooldown()
	s.clock.Add(time.Minute)
	s.start(admin)
	actions := []string{}
	for _, a := range s.audit(admin) {
		actions = append(actions, a.Action)
	}
	want := []string{export.ActionStart, export.ActionReset, export.ActionStartRefused, export.ActionStart, export.ActionStartRefused, export.ActionStart}
	if !slices.Equal(actions, want) {
		t.Errorf("audit %v, want %v (newest first)", actions, want)
	}
}

func TestSelectionRefusedWithPointerToTakeout(t *testing.T) {
	s := newStack(t, synth.Tiny(9))
	for _, body := range []string{`{"users":["a@example.com"]}`, `{"products":["Drive"]}`} {
		r := s.as(s.user(0), http.MethodPost, "/exports", body)
		e := r.err(t)
		if r.Code != http.StatusBadRequest || !strings.Contains(e.Error.Message, "takeout.google.com") {
			t.Errorf("%s: %d %s; want 400 pointing to self-service download", body, r.Code, r.Body)
		}
	}
	if ts := s.tasks.all(); len(ts) != 0 {
		t.Errorf("a refused selection created tasks %+v", ts)
	}
}
