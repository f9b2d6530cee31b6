package startexport_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/export"
)

func TestAnySuperAdminCancelsDuringTheHold(t *testing.T) {
	s := newStack(t, synth.Tiny(20))
	v := s.start(s.user(0))
	s.clock.Add(48*time.Hour - time.Minute)
	if got := s.get(s.user(0), v.ID); got.HoldRemaining != "1m0s" || got.State != export.OnHold {
		t.Errorf("at 47h59m: %s, %s left; want ON_HOLD with 1m0s left", got.State, got.HoldRemaining)
	}
	other := s.user(1) // a super administrator who did not ask
	r := s.as(other, http.MethodPost, "/exports/"+v.ID+":cancel", `{"note":"not planned"}`)
	if r.Code != http.StatusOK {
		t.Fatalf("cancel by another super administrator: %d %s", r.Code, r.Body)
	}
	var c view
	r.decode(t, &c)
	if c.State != export.Cancelled || c.CancelledBy != other {
		t.Errorf("cancelled export %+v", c)
	}
	msgs := s.messages()
	if len(msgs) != 2 {
		t.Fatalf("%d emails, want the hold notice and the cancellation", len(msgs))
	}
	cancel := msgs[1]
	body, _ := cancel.Part("text/plain")
	if !strings.Contains(cancel.Subject, "cancelled") || !strings.Contains(body.Body, other) || !strings.Contains(body.Body, "not planned") {
		t.Errorf("cancellation email %q does not say who cancelled and why:\n%s", cancel.Subject, body.Body)
	}
	if len(cancel.To) != len(s.superAdmins()) {
		t.Errorf("cancellation went to %v, want every super administrator", cancel.To)
	}
	again := s.as(s.user(0), http.MethodPost, "/exports/"+v.ID+":cancel", "")
	if again.Code != http.StatusConflict || !strings.Contains(again.err(t).Error.Message, "CANCELLED") {
		t.Errorf("second cancel: %d %s", again.Code, again.Body)
	}
	if n := len(s.messages()); n != 2 {
		t.Errorf("%d emails after a refused second cancel, want 2", n)
	}
	actions := auditActions(s.audit(s.user(0)))
	if !slices.Equal(actions, []string{export.ActionCancel, export.ActionStart}) {
		t.Errorf("audit %v", actions)
	}
	// The cancel released the lock: a new export may be requested at once.
	s.start(s.user(0))
}

func TestCancelWhileRunningStopsTheExport(t *testing.T) {
	s := newStack(t, synth.Tiny(21))
	v := s.start(s.user(0))
	s.clock.Add(48 * time.Hour)
	s.run(v.ID)
	r := s.as(s.user(2), http.MethodPost, "/exports/"+v.ID+":cancel", "{}")
	if r.Code != http.StatusOK {
		t.Fatalf("cancel while running: %d %s", r.Code, r.Body)
	}
	if got := s.get(s.user(0), v.ID); got.State != export.Cancelled {
		t.Errorf("state %s after cancel", got.State)
	}
	s.refusesToFinish(t, v.ID)
}

// refusesToFinish checks that a cancelled export cannot be completed afterwards:
// the workers' later writes are refused.
func (s *stack) refusesToFinish(t *testing.T, id string) {
	_, err := s.store.Update(context.Background(), s.org.Customer().ID, id, func(e *export.Export) ([]export.AuditEntry, error) {
		e.State = export.Assembling
		return nil, nil
	})
	if err == nil {
		t.Error("a cancelled export moved on to ASSEMBLING")
	}
}

func auditActions(entries []export.AuditEntry) []string {
	var out []string
	for _, a := range entries {
		out = append(out, a.Action)
	}
	return out
}

// run moves an export to RUNNING as BeginExport does at the hold's end.
func (s *stack) run(id string) {
	s.t.Helper()
	now := s.clock.Now()
	_, err := s.store.Update(context.Background(), s.org.Customer().ID, id, func(e *export.Export) ([]export.AuditEntry, error) {
		e.State, e.StartedAt, e.CutOff, e.Deadline = export.Running, now, export.CutOff(now), export.Deadline(now)
		return nil, nil
	})
	if err != nil {
		s.t.Fatal(err)
	}
}

func TestProgressCountsAccountsFilesBytesFailures(t *testing.T) {
	s := newStack(t, synth.Tiny(22))
	v := s.start(s.user(0))
	if got := s.get(s.user(0), v.ID); got.Progress != nil {
		t.Errorf("progress during the hold: %+v", got.Progress)
	}
	s.clock.Add(48 * time.Hour)
	s.run(v.ID)
	ctx := context.Background()
	cid := s.org.Customer().ID
	var accts []export.Account
	for i := range 5 {
		id := fmt.Sprintf("u%d@example.com", i)
		accts = append(accts, export.Account{Key: export.AccountKey(export.User, id), Type: export.User, ID: id, State: export.AccountPending})
	}
	if _, err := s.store.AddAccounts(ctx, cid, v.ID, accts); err != nil {
		t.Fatal(err)
	}
	for i, st := range []export.AccountState{export.AccountDone, export.AccountFailed, export.AccountRunning} {
		_, err := s.store.UpdateAccount(ctx, cid, v.ID, accts[i].Key, func(a *export.Account) error {
			a.State, a.Files, a.FailedItems, a.Bytes = st, int64(10*(i+1)), int64(i), int64(1000*(i+1))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	p := s.get(s.user(0), v.ID).Progress
	if p == nil || p.AccountsTotal != 5 || p.AccountsDone != 2 || p.Files != 60 || p.FailedItems != 3 || p.Bytes != 6000 {
		t.Errorf("progress %+v: want 2 of 5 accounts done, 60 files, 3 failed, 6000 bytes", p)
	}
	if got := s.get(s.user(0), v.ID); got.Links != nil {
		t.Errorf("links before completion: %v", got.Links)
	}
	s.clock.Add(time.Hour)
	done := s.clock.Now()
	_, err := s.store.Update(ctx, cid, v.ID, func(e *export.Export) ([]export.AuditEntry, error) {
		e.State = export.Assembling
		return nil, nil
	})
	if err == nil {
		_, err = s.store.Update(ctx, cid, v.ID, func(e *export.Export) ([]export.AuditEntry, error) {
			e.State, e.CompletedAt, e.Expires = export.Completed, done, export.Expires(done)
			return nil, nil
		})
	}
	if err != nil {
		t.Fatal(err)
	}
	got := s.get(s.user(0), v.ID)
	if got.Links["report"] != "https://storage.example/bucket/"+cid+"/"+v.ID+"/report.html" || got.ExpiresAt == nil {
		t.Errorf("completed export: links %v, expires %v", got.Links, got.ExpiresAt)
	}
}

func TestExpiredExportKeepsItsTotalsButNoLinks(t *testing.T) {
	s := newStack(t, synth.Tiny(23))
	v := s.start(s.user(0))
	done := s.clock.Now().Add(72 * time.Hour)
	s.complete(v.ID, done)
	cid := s.org.Customer().ID
	totals := export.Totals{Accounts: 12, AccountsFailed: 1, Files: 340, FailedItems: 2, Bytes: 1 << 20}
	_, err := s.store.Update(context.Background(), cid, v.ID, func(e *export.Export) ([]export.AuditEntry, error) {
		e.Totals = totals
		return nil, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s.clock.Set(done.Add(time.Hour))
	if got := s.get(s.user(0), v.ID); got.Links == nil || got.Totals == nil || *got.Totals != totals {
		t.Fatalf("completed export: links %v totals %+v", got.Links, got.Totals)
	}
	_, err = s.store.Update(context.Background(), cid, v.ID, func(e *export.Export) ([]export.AuditEntry, error) {
		e.State = export.Expired
		return nil, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got := s.get(s.user(0), v.ID)
	if got.Links != nil {
		t.Errorf("an expired export still offers links %v (R12)", got.Links)
	}
	if got.Totals == nil || *got.Totals != totals {
		t.Errorf("an expired export lost its totals: %+v; the record of what was exported stays", got.Totals)
	}
}
