package pipeline_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/pipeline"
)

// waiter is a customer-owned account's connector that only waits (as the
// Vault connector waits for Vault): every checkpoint cuts the part, nothing
// is written until the last call, which reports one failed item. With
// unsupported set it refuses at once instead.
type waiter struct {
	waits       int
	unsupported bool
}

func (w *waiter) Product() export.Product { return export.Vault }
func (w *waiter) Handles(a connector.Account) bool {
	return a.Type == export.Customer
}

func (w *waiter) Export(ctx context.Context, a connector.Account, cursor string, e connector.Emitter) error {
	if w.unsupported {
		return fmt.Errorf("%w: no Vault licence", connector.ErrUnsupported)
	}
	n, _ := strconv.Atoi(cursor)
	if n < w.waits {
		if err := e.Checkpoint(ctx, strconv.Itoa(n+1)); err != nil {
			return err
		}
	}
	e.Fail(connector.Failure{Product: export.Vault, ItemID: "x", Reason: "Vault failed it"})
	return nil
}

func addCustomer(t *testing.T, p *pipeline.Pipeline, rec *recorder, conn connector.Connector) string {
	t.Helper()
	key := export.AccountKey(export.Customer, "vault")
	st := p.Store
	if _, err := st.AddAccounts(context.Background(), "c1", "e1", []export.Account{{Key: key, Type: export.Customer, ID: "vault",
		Name: "Google Vault", Kind: "vault", Subject: "admin@example.com", State: export.AccountPending,
		Resume: export.Resume{NextPart: 1}}}); err != nil {
		t.Fatal(err)
	}
	p.Connectors = []pipeline.Connector{conn}
	rec.tasks = nil
	_ = rec.Enqueue(context.Background(), export.Task{Body: export.AccountTask{CustomerID: "c1", ExportID: "e1", AccountKey: key, Part: 1}})
	p.Budget = time.Nanosecond // every checkpoint is past the deadline: it cuts
	return key
}

// Parts that only waited leave no zip (an empty zip is what unzip calls
// broken), and the failure of the last part still counts.
func TestWaitingPartsLeaveNoEmptyZip(t *testing.T) {
	p, rec, st, bucket, _ := setup(t, &numbered{crashAt: -1}, 1<<20)
	key := addCustomer(t, p, rec, &waiter{waits: 3})
	for i := 0; i < 20; i++ {
		task, ok := rec.next()
		if !ok {
			break
		}
		if err := p.Account(context.Background(), task); err != nil {
			t.Fatal(err)
		}
	}
	a, err := st.Account(context.Background(), "c1", "e1", key)
	if err != nil {
		t.Fatal(err)
	}
	if a.State != export.AccountDone || a.FailedItems != 1 || len(a.Parts) != 0 || a.Resume.NextPart != 5 {
		t.Errorf("account %s, %d failed, %d parts, next part %d; want done, 1 failed, no part after 4 parts",
			a.State, a.FailedItems, len(a.Parts), a.Resume.NextPart)
	}
	for o, err := range bucket.List(context.Background(), "c1/e1/customer/") {
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(o.Name, ".zip") {
			t.Errorf("a part that only waited was uploaded: %s (%d bytes)", o.Name, o.Size)
		}
	}
}

// A customer-owned account that finds a product unsupported for the whole
// organisation puts it in the export's list of unsupported data (R7b), once.
func TestOrganisationWideUnsupportedIsListedOnTheExport(t *testing.T) {
	p, rec, st, _, _ := setup(t, &numbered{crashAt: -1}, 1<<20)
	key := addCustomer(t, p, rec, &waiter{unsupported: true})
	task, _ := rec.next()
	for range 2 { // a redelivery adds nothing
		if err := p.Account(context.Background(), task); err != nil {
			t.Fatal(err)
		}
		if _, err := st.UpdateAccount(context.Background(), "c1", "e1", key, func(a *export.Account) error {
			a.State, a.Resume = export.AccountPending, export.Resume{NextPart: 1}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	e, err := st.Export(context.Background(), "c1", "e1")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, u := range e.Unsupported {
		if u.Product == export.Vault {
			n++
			if u.Reason != "no Vault licence" || !strings.Contains(u.Scope, "Google Vault") {
				t.Errorf("unsupported %+v: want the connector's reason and the account's name", u)
			}
		}
	}
	if n != 1 {
		t.Errorf("Vault listed %d times among %+v, want once", n, e.Unsupported)
	}
}

// discarding is a waiter that made something to discard.
type discarding struct {
	waiter
	discarded int
	fail      error
}

func (d *discarding) Discard(ctx context.Context, a connector.Account) error {
	if d.fail != nil {
		return d.fail
	}
	d.discarded++
	return nil
}

// A cancelled export's account discards what its connectors made (a Vault
// matter) before it is marked cancelled; if that fails, the task fails and
// is retried rather than leaving copies behind.
func TestCancelDiscards(t *testing.T) {
	p, rec, st, _, _ := setup(t, &numbered{crashAt: -1}, 1<<20)
	d := &discarding{waiter: waiter{waits: 100}, fail: fmt.Errorf("vault unavailable")}
	key := addCustomer(t, p, rec, d)
	task, _ := rec.next()
	if err := p.Account(context.Background(), task); err != nil { // one part of waiting
		t.Fatal(err)
	}
	if _, err := st.Update(context.Background(), "c1", "e1", func(e *export.Export) ([]export.AuditEntry, error) {
		e.State = export.Cancelled
		return nil, nil
	}); err != nil {
		t.Fatal(err)
	}
	next, _ := rec.next()
	if err := p.Account(context.Background(), next); err == nil {
		t.Fatal("a failed discard was not reported, so the task would not be retried")
	}
	if a, _ := st.Account(context.Background(), "c1", "e1", key); a.State == export.AccountCancelled {
		t.Error("the account was marked cancelled though its matter was not discarded")
	}
	d.fail = nil
	if err := p.Account(context.Background(), next); err != nil {
		t.Fatal(err)
	}
	a, _ := st.Account(context.Background(), "c1", "e1", key)
	if a.State != export.AccountCancelled || d.discarded != 1 {
		t.Errorf("account %s after %d discards, want CANCELLED after 1", a.State, d.discarded)
	}
}
