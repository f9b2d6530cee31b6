package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/orgexport/orgexport/shared/export"
)

var t0 = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

func newExport(cid, eid string) *export.Export {
	return &export.Export{ID: eid, CustomerID: cid, Domain: cid + ".example.com", State: export.OnHold,
		RequestedBy: "admin@" + cid + ".example.com", RequestedAt: t0, HoldEnd: t0.Add(48 * time.Hour)}
}

func TestConcurrentStartsMakeOneExport(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	const n = 100
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e := newExport("c1", fmt.Sprintf("e%03d", i))
			errs[i] = s.Start(ctx, e, export.AuditEntry{At: t0, Actor: e.RequestedBy, Action: export.ActionStart, ExportID: e.ID}, t0)
		}()
	}
	wg.Wait()
	ok, winner := 0, ""
	for i, err := range errs {
		if err == nil {
			ok++
			winner = fmt.Sprintf("e%03d", i)
		}
	}
	if ok != 1 {
		t.Fatalf("%d starts succeeded, want exactly 1", ok)
	}
	for _, err := range errs {
		var ae *export.ActiveError
		if err != nil && (!errors.As(err, &ae) || ae.ExportID != winner) {
			t.Errorf("refusal %v does not name the active export %s", err, winner)
		}
	}
	audit, err := s.Audit(ctx, "c1", 1000)
	if err != nil || len(audit) != 1 {
		t.Errorf("want 1 audit entry, got %d (%v)", len(audit), err)
	}
}

func TestCooldownEdges(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	e := newExport("c2", "first")
	if err := s.Start(ctx, e, export.AuditEntry{At: t0, Action: export.ActionStart}, t0); err != nil {
		t.Fatal(err)
	}
	done := t0.Add(72 * time.Hour)
	for _, st := range []export.State{export.Running, export.Assembling, export.Completed} {
		if _, err := s.Update(ctx, "c2", "first", func(e *export.Export) ([]export.AuditEntry, error) {
			e.State, e.CompletedAt = st, done
			return nil, nil
		}); err != nil {
			t.Fatalf("to %s: %v", st, err)
		}
	}
	var ce *export.CooldownError
	err := s.Start(ctx, newExport("c2", "early"), export.AuditEntry{At: t0}, done.Add(30*24*time.Hour-time.Hour))
	if !errors.As(err, &ce) {
		t.Fatalf("start at 29d23h after completion: %v, want a cool-down refusal", err)
	}
	if err := s.Start(ctx, newExport("c2", "ontime"), export.AuditEntry{At: t0}, done.Add(30*24*time.Hour)); err != nil {
		t.Fatalf("start at 30d after completion: %v", err)
	}
}

func TestStatesOnlyMoveForward(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	if err := s.Start(ctx, newExport("c3", "e"), export.AuditEntry{At: t0}, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Update(ctx, "c3", "e", func(e *export.Export) ([]export.AuditEntry, error) {
		e.State = export.Cancelled
		return []export.AuditEntry{{At: t0, Action: export.ActionCancel}}, nil
	}); err != nil {
		t.Fatal(err)
	}
	_, err := s.Update(ctx, "c3", "e", func(e *export.Export) ([]export.AuditEntry, error) {
		e.State = export.Running
		return []export.AuditEntry{{At: t0, Action: "should not be recorded"}}, nil
	})
	if !errors.Is(err, export.ErrTransition) {
		t.Fatalf("cancelled → running: %v, want export.ErrTransition", err)
	}
	audit, _ := s.Audit(ctx, "c3", 10)
	if len(audit) != 2 {
		t.Errorf("audit has %d entries, want 2 (start, cancel): the refused change must record nothing", len(audit))
	}
	// The lock is released: a new export may start at once after a cancel.
	if err := s.Start(ctx, newExport("c3", "again"), export.AuditEntry{At: t0}, t0); err != nil {
		t.Errorf("start after cancel: %v", err)
	}
}

func TestForeignIDsLookUnknown(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	if err := s.Start(ctx, newExport("c4", "mine"), export.AuditEntry{At: t0}, t0); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"mine", "none", "../c4/exports/mine", ""} {
		if _, err := s.Export(ctx, "other", id); !errors.Is(err, export.ErrNotFound) {
			t.Errorf("export %q seen from another organisation: %v", id, err)
		}
	}
}

func TestAccountsAddedOnceAndCounted(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	var accts []export.Account
	for i := range 25 {
		id := fmt.Sprintf("u%02d@example.com", i)
		accts = append(accts, export.Account{Key: export.AccountKey(export.User, id), Type: export.User, ID: id, State: export.AccountPending})
	}
	if n, err := s.AddAccounts(ctx, "c5", "e", accts); err != nil || n != 25 {
		t.Fatalf("first add: %d, %v", n, err)
	}
	if n, err := s.AddAccounts(ctx, "c5", "e", accts[:10]); err != nil || n != 0 {
		t.Fatalf("duplicate add created %d, %v", n, err)
	}
	if _, err := s.UpdateAccount(ctx, "c5", "e", accts[0].Key, func(a *export.Account) error {
		a.State = export.AccountDone
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	left, err := s.CountAccounts(ctx, "c5", "e", export.AccountPending, export.AccountRunning)
	if err != nil || left != 24 {
		t.Errorf("unfinished = %d, %v; want 24", left, err)
	}
	n := 0
	for _, err := range s.Accounts(ctx, "c5", "e") {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 25 {
		t.Errorf("listed %d accounts, want 25", n)
	}
}

// Unfinished answers whether the export is ready to assemble: true while
// any account is pending or running, false once every one is final.
func TestUnfinishedUntilTheLastAccountIsFinal(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	var accts []export.Account
	for i := range 3 {
		id := fmt.Sprintf("u%d@example.com", i)
		accts = append(accts, export.Account{Key: export.AccountKey(export.User, id), Type: export.User, ID: id, State: export.AccountPending})
	}
	if _, err := s.AddAccounts(ctx, "c6", "e", accts); err != nil {
		t.Fatal(err)
	}
	for i, final := range []export.AccountState{export.AccountCancelled, export.AccountFailed, export.AccountDone} {
		if left, err := s.Unfinished(ctx, "c6", "e"); err != nil || !left {
			t.Fatalf("before account %d is final: unfinished = %v, %v; want true", i, left, err)
		}
		for _, st := range []export.AccountState{export.AccountRunning, final} {
			if _, err := s.UpdateAccount(ctx, "c6", "e", accts[i].Key, func(a *export.Account) error {
				a.State = st
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if left, err := s.Unfinished(ctx, "c6", "e"); err != nil || left {
		t.Errorf("every account final: unfinished = %v, %v; want false", left, err)
	}
}
