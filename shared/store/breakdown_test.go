package store_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/orgexport/orgexport/shared/export"
)

// The console's progress, computed with aggregation queries, is what
// reading every account and adding it up gives: accounts by type and how
// many are final, files and failed items by product, and the accounts
// with errors (at most 50 listed, all counted).
func TestBreakdownAddsUpEveryAccount(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	var want export.Breakdown
	var accts []export.Account
	types := []export.AccountType{export.User, export.User, export.Group, export.Customer}
	states := []export.AccountState{export.AccountPending, export.AccountRunning, export.AccountDone, export.AccountFailed, export.AccountDone}
	for i := range 130 {
		typ := types[i%len(types)]
		id := fmt.Sprintf("a%03d@example.com", i)
		a := export.Account{Key: export.AccountKey(typ, id), Type: typ, ID: id, State: states[i%len(states)],
			Products: map[string]export.ProductCount{string(export.Gmail): {Files: int64(i)}}}
		if i%3 == 0 {
			a.Products[string(export.CloudSearch)] = export.ProductCount{Files: 1, Failed: int64(i % 7)}
			a.FailedItems = int64(i % 7)
		}
		accts = append(accts, a)
		want.Add(&a)
	}
	if _, err := s.AddAccounts(ctx, "c7", "e", accts); err != nil {
		t.Fatal(err)
	}
	got, err := s.Breakdown(ctx, "c7", "e")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.ByType, want.ByType) {
		t.Errorf("by type %+v, want %+v", got.ByType, want.ByType)
	}
	if !reflect.DeepEqual(got.ByProduct, want.ByProduct) {
		t.Errorf("by product %+v, want %+v", got.ByProduct, want.ByProduct)
	}
	if got.Files != want.Files || got.Failed != want.Failed || got.Bytes != want.Bytes {
		t.Errorf("totals %d files, %d failed, %d bytes; want %d, %d, %d", got.Files, got.Failed, got.Bytes, want.Files, want.Failed, want.Bytes)
	}
	if got.WithErrors != want.WithErrors || len(got.Errors) != export.MaxListedErrors {
		t.Errorf("%d accounts with errors, %d listed; want %d and %d", got.WithErrors, len(got.Errors), want.WithErrors, export.MaxListedErrors)
	}
	for _, a := range got.Errors {
		if !a.HasErrors() {
			t.Errorf("%s is listed with errors but has none", a.ID)
		}
	}
}
