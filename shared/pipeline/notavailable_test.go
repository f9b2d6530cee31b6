package pipeline_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"google.golang.org/api/googleapi"

	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/pipeline"
)

// mailOff is Gmail for users whose Gmail is turned off: every call answers
// Google's "Mail service not enabled".
type mailOff struct{ calls int }

func (m *mailOff) Product() export.Product          { return export.Gmail }
func (m *mailOff) Handles(a connector.Account) bool { return a.Type == export.User }
func (m *mailOff) Export(ctx context.Context, a connector.Account, cursor string, e connector.Emitter) error {
	m.calls++
	return &googleapi.Error{Code: 400, Message: "Mail service not enabled",
		Errors: []googleapi.ErrorItem{{Reason: "failedPrecondition", Message: "Mail service not enabled"}}}
}

// A product turned off for users is one "not available" entry for the
// product with the reason (R7b), a note on each account, no failure per
// item, and no retry.
func TestProductTurnedOffIsNotAvailableOnce(t *testing.T) {
	p, rec, st, _, _ := setup(t, &numbered{crashAt: -1}, 1<<20)
	ctx := context.Background()
	bob := export.AccountKey(export.User, "bob@example.com")
	if _, err := st.AddAccounts(ctx, "c1", "e1", []export.Account{{Key: bob, Type: export.User, ID: "bob@example.com",
		Subject: "bob@example.com", State: export.AccountPending, Resume: export.Resume{NextPart: 1}}}); err != nil {
		t.Fatal(err)
	}
	_ = rec.Enqueue(ctx, export.Task{Body: export.AccountTask{CustomerID: "c1", ExportID: "e1", AccountKey: bob, Part: 1}})
	off := &mailOff{}
	p.Connectors = []pipeline.Connector{off}
	for i := 0; i < 10; i++ {
		task, ok := rec.next()
		if !ok {
			break
		}
		if err := p.Account(ctx, task); err != nil {
			t.Fatalf("the account task failed (it would be retried): %v", err)
		}
	}
	if off.calls != 2 {
		t.Errorf("Gmail was asked %d times for 2 accounts, want 2 (no retry)", off.calls)
	}
	for _, key := range []string{export.AccountKey(export.User, "alice@example.com"), bob} {
		a, err := st.Account(ctx, "c1", "e1", key)
		if err != nil {
			t.Fatal(err)
		}
		pc := a.Products[string(export.Gmail)]
		if a.State != export.AccountDone || a.FailedItems != 0 || pc.Failed != 0 || !strings.Contains(pc.Note, "not available") ||
			!strings.Contains(pc.Note, "Mail service not enabled") {
			t.Errorf("%s: %s, %d failed, Gmail %+v; want done, no failure, noted not available with the reason", a.ID, a.State, a.FailedItems, pc)
		}
	}
	e, err := st.Export(ctx, "c1", "e1")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, u := range e.Unsupported {
		if u.Product == export.Gmail {
			n++
			if !strings.Contains(u.Reason, "Mail service not enabled") || !strings.Contains(u.Reason, "Admin console") {
				t.Errorf("unsupported %+v: want Google's reason and the fix", u)
			}
		}
	}
	if n != 1 {
		t.Errorf("Gmail listed %d times among %+v, want once", n, e.Unsupported)
	}
}

// suspendedRefused is a connector as Google answers it for a suspended
// account: every item refused with 403. It counts who it was asked for.
type suspendedRefused struct {
	product export.Product
	asked   map[string]int
}

func (s *suspendedRefused) Product() export.Product          { return s.product }
func (s *suspendedRefused) Handles(a connector.Account) bool { return a.Type == export.User }
func (s *suspendedRefused) Export(ctx context.Context, a connector.Account, cursor string, e connector.Emitter) error {
	s.asked[a.ID]++
	if !a.Suspended {
		return nil
	}
	for i := range 300 {
		e.Fail(connector.Failure{Product: s.product, ItemID: fmt.Sprint(i), Reason: "googleapi: Error 403: The caller does not have permission, forbidden"})
	}
	return nil
}

// A suspended account's products are each one "not available for a
// suspended account" entry (R7b) with what to do, a note on the account,
// no failure per item, nothing asked of Google, and so nothing a retry
// (R16) would try again; an active account is exported as before.
func TestSuspendedAccountIsNotAvailableOncePerProduct(t *testing.T) {
	p, rec, st, _, _ := setup(t, &numbered{crashAt: -1}, 1<<20)
	ctx := context.Background()
	sam := export.AccountKey(export.User, "sam@example.com")
	if _, err := st.AddAccounts(ctx, "c1", "e1", []export.Account{{Key: sam, Type: export.User, ID: "sam@example.com",
		Subject: "sam@example.com", Suspended: true, State: export.AccountPending, Resume: export.Resume{NextPart: 1}}}); err != nil {
		t.Fatal(err)
	}
	_ = rec.Enqueue(ctx, export.Task{Body: export.AccountTask{CustomerID: "c1", ExportID: "e1", AccountKey: sam, Part: 1}})
	asked := map[string]int{}
	p.Connectors = []pipeline.Connector{&suspendedRefused{export.Gmail, asked}, &suspendedRefused{export.Drive, asked}}
	for i := 0; i < 10; i++ {
		task, ok := rec.next()
		if !ok {
			break
		}
		if err := p.Account(ctx, task); err != nil {
			t.Fatalf("the account task failed (it would be retried): %v", err)
		}
	}
	if asked["sam@example.com"] != 0 || asked["alice@example.com"] != 2 {
		t.Errorf("connectors asked %v; want nothing for the suspended account, both products for alice", asked)
	}
	a, err := st.Account(ctx, "c1", "e1", sam)
	if err != nil {
		t.Fatal(err)
	}
	if a.State != export.AccountDone || a.FailedItems != 0 || len(a.FailureObjects) != 0 {
		t.Errorf("suspended account: %s, %d failed, failure lists %v; want done with no failure", a.State, a.FailedItems, a.FailureObjects)
	}
	for _, prod := range []export.Product{export.Gmail, export.Drive} {
		pc := a.Products[string(prod)]
		if pc.Failed != 0 || !strings.HasPrefix(pc.Note, connector.SuspendedNote) || !strings.Contains(pc.Note, "reactivate") {
			t.Errorf("%s of the suspended account: %+v; want noted not available with what to do", prod, pc)
		}
	}
	if plan := export.Retried(a, "x/"); plan != nil {
		t.Errorf("a retry would export the suspended account again: %+v", plan)
	}
	e, err := st.Export(ctx, "c1", "e1")
	if err != nil {
		t.Fatal(err)
	}
	n := map[export.Product]int{}
	for _, u := range e.Unsupported {
		if strings.Contains(u.Reason, connector.SuspendedNote) {
			n[u.Product]++
			if u.Product == export.Drive && !strings.Contains(u.Reason, "Vault/Drive/orgexport-drive-suspended-") {
				t.Errorf("Drive's entry %+v does not say where in the Vault account the files are", u)
			}
			if u.Product == export.Gmail && !strings.Contains(u.Reason, "Vault") {
				t.Errorf("Gmail's entry %+v does not say the mail comes through Vault", u)
			}
		}
	}
	if n[export.Gmail] != 1 || n[export.Drive] != 1 {
		t.Errorf("not available for a suspended account: %v among %+v; want Gmail and Drive once each", n, e.Unsupported)
	}
}
