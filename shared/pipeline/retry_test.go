package pipeline_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/testenv"
	"github.com/orgexport/orgexport/shared/archive"
	"github.com/orgexport/orgexport/shared/blob"
	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/events"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/pipeline"
	"github.com/orgexport/orgexport/shared/store"
)

// fake is a connector of one product that writes one entry per item; with
// items set it can also export items by id (connector.ItemExporter).
type fake struct {
	product export.Product
	mu      sync.Mutex
	whole   int      // calls of Export
	asked   []string // ids of ExportItems
}

func (f *fake) Product() export.Product          { return f.product }
func (f *fake) Handles(a connector.Account) bool { return a.Type == export.User }

func (f *fake) Export(ctx context.Context, a connector.Account, cursor string, e connector.Emitter) error {
	f.mu.Lock()
	f.whole++
	f.mu.Unlock()
	return f.write(e, []string{"all-1", "all-2"})
}

func (f *fake) write(e connector.Emitter, ids []string) error {
	for _, id := range ids {
		w, err := e.Create(connector.Entry{Path: f.product.TakeoutFolder() + "/" + id, ItemID: id, Modified: time.Unix(0, 0)})
		if err != nil {
			return err
		}
		if _, err := w.Write([]byte(id)); err != nil {
			return err
		}
	}
	return nil
}

// byIDFake is a fake that can export items by id; "gone" no longer exists.
type byIDFake struct{ fake }

func (f *byIDFake) ExportItems(ctx context.Context, a connector.Account, ids []string, cursor string, e connector.Emitter) error {
	f.mu.Lock()
	f.asked = append(f.asked, ids...)
	f.mu.Unlock()
	var there []string
	for _, id := range ids {
		if id == "gone" {
			e.Fail(connector.Gone(f.product, id, ""))
		} else {
			there = append(there, id)
		}
	}
	return f.write(e, there)
}

// A retry's account runs only its products with failures: the failed
// items by id where the connector can (an item deleted meanwhile counted
// as deleted, not failed), a product that failed as a whole again whole,
// a product whose connector cannot fetch items whole (and says so), and
// nothing else — not a product that was only unsupported.
func TestRetryRunsOnlyWhatFailed(t *testing.T) {
	ctx := context.Background()
	gmail := &byIDFake{fake{product: export.Gmail}}
	drive := &fake{product: export.Drive}
	cal := &byIDFake{fake{product: export.Calendar}}
	contacts := &fake{product: export.Contacts}
	st, err := store.New(ctx, testenv.Get(t).Project)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	bucket := blob.NewMemory()
	failures := "c1/e0/users/alice@example.com/alice@example.com-001.failures.ndjson"
	w := bucket.NewWriter(ctx, failures, "application/x-ndjson")
	if err := archive.WriteFailures(w, []connector.Failure{
		{Product: export.Gmail, ItemID: "m2", Reason: "500"}, {Product: export.Gmail, ItemID: "m1", Reason: "500"},
		{Product: export.Gmail, ItemID: "gone", Reason: "500"},
		{Product: export.Drive, ItemID: "f3", Reason: "403"},
		{Product: export.Calendar, ItemID: export.RetryItems, Reason: "calendar down"},
	}); err != nil {
		t.Fatal(err)
	}
	w.Close()

	now := time.Now().UTC()
	r := &export.Export{ID: "e0-retry-1", CustomerID: "c1", Domain: "example.com", State: export.OnHold, Kind: export.KindRetry,
		Parent: "e0", Source: "e0", Retry: 1, RequestedBy: "admin@example.com", RequestedAt: now, HoldEnd: now, Prefix: "c1/e0/retry-1/"}
	if err := st.Start(ctx, r, export.AuditEntry{At: now}, now); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Update(ctx, "c1", r.ID, func(e *export.Export) ([]export.AuditEntry, error) {
		e.State, e.StartedAt, e.Enumeration.Done = export.Running, now, true
		return nil, nil
	}); err != nil {
		t.Fatal(err)
	}
	key := export.AccountKey(export.User, "alice@example.com")
	if _, err := st.AddAccounts(ctx, "c1", r.ID, []export.Account{{Key: key, Type: export.User, ID: "alice@example.com",
		Subject: "alice@example.com", State: export.AccountPending, Resume: export.Resume{NextPart: 1},
		RetryOf: &export.RetryPlan{FailureObjects: []string{failures}}}}); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	p := &pipeline.Pipeline{Store: st, Bucket: bucket, Tasks: rec, Events: rec,
		Connectors: []pipeline.Connector{cal, contacts, drive, gmail}, Log: slog.New(slog.DiscardHandler), PartSize: 1 << 20, Budget: time.Hour}
	if err := p.Account(ctx, export.AccountTask{CustomerID: "c1", ExportID: r.ID, AccountKey: key, Part: 1}); err != nil {
		t.Fatal(err)
	}
	a, err := st.Account(ctx, "c1", r.ID, key)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case !slices.Equal(gmail.asked, []string{"gone", "m1", "m2"}) || gmail.whole != 0:
		t.Errorf("Gmail asked for %v (and run whole %d times), want the failed ids", gmail.asked, gmail.whole)
	case drive.whole != 1:
		t.Errorf("Drive, whose connector cannot fetch items, run whole %d times", drive.whole)
	case cal.whole != 1 || len(cal.asked) != 0:
		t.Errorf("Calendar, failed as a whole, run whole %d times, asked for %v", cal.whole, cal.asked)
	case contacts.whole != 0:
		t.Error("Contacts had no failure but was exported again")
	}
	want := map[string]export.ProductCount{
		"Gmail":    {Files: 2, Deleted: 1, Retried: export.RetriedItems},
		"Drive":    {Files: 2, Retried: export.RetriedWholeNoItems},
		"Calendar": {Files: 2, Retried: export.RetriedWhole},
	}
	for name, pc := range want {
		if got := a.Products[name]; got != pc {
			t.Errorf("%s: %+v, want %+v", name, got, pc)
		}
	}
	if _, ok := a.Products["Contacts"]; ok || a.State != export.AccountDone || a.FailedItems != 0 || a.Deleted != 1 {
		t.Errorf("account %s: %+v, failed %d, deleted %d", a.State, a.Products, a.FailedItems, a.Deleted)
	}
	names, _ := entries(t, bucket, "c1/e0/retry-1/users/")
	if len(names) != 6 {
		t.Errorf("the retry's zip holds %v", names)
	}
}

// The original's report lists each retry as its own record says, even
// when the original's list is behind: retry 1's recording had not yet
// noted it completed when retry 2 was recorded (both ran at once in the
// dev stack), and the report then showed retry 1 with nothing recovered.
func TestOriginalsReportHasEveryRetrysCounts(t *testing.T) {
	ctx := context.Background()
	st, err := store.New(ctx, testenv.Get(t).Project)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	bucket := blob.NewMemory()
	now := time.Now().UTC().Truncate(time.Second)
	orig := &export.Export{ID: "e7", CustomerID: "c7", Domain: "example.com", State: export.OnHold, RequestedBy: "admin@example.com",
		RequestedAt: now, HoldEnd: now, Prefix: "c7/e7/"}
	if err := st.Start(ctx, orig, export.AuditEntry{At: now}, now); err != nil {
		t.Fatal(err)
	}
	move := func(id string, totals export.Totals, states ...export.State) {
		t.Helper()
		for _, s := range states {
			if _, err := st.Update(ctx, "c7", id, func(e *export.Export) ([]export.AuditEntry, error) {
				e.State = s
				if s.Done() {
					e.CompletedAt, e.FinishedAt, e.Totals = now, now, totals
					if e.Expires.IsZero() {
						e.Expires = export.Expires(now)
					}
				}
				return nil, nil
			}); err != nil {
				t.Fatal(err)
			}
		}
	}
	move(orig.ID, export.Totals{Accounts: 1, AccountsFailed: 1, FailedItems: 3}, export.Running, export.Assembling, export.CompletedWithErrors)
	var ids []string
	for range 2 {
		r, err := st.StartRetry(ctx, "c7", orig.ID, func(o, latest *export.Export) (*export.Export, []export.AuditEntry, error) {
			return export.NewRetry(o, latest, o.RequestedBy, []string{o.RequestedBy}, now), nil, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
		move(r.ID, export.Totals{Files: 2, FailedItems: 1}, export.Running, export.Assembling, export.CompletedWithErrors)
	}
	rec := &recorder{}
	p := &pipeline.Pipeline{Store: st, Bucket: bucket, Tasks: rec, Events: rec, Log: slog.New(slog.DiscardHandler), PartSize: 1 << 20, Budget: time.Hour}
	// Retry 2's completion is recorded; retry 1's recording never ran.
	if err := p.Assemble(ctx, events.Event{CustomerID: "c7", ExportID: ids[1]}); err != nil {
		t.Fatal(err)
	}
	r, err := bucket.NewReader(ctx, "c7/e7/report.json")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var rep struct {
		Retries []struct {
			N         int   `json:"n"`
			Recovered int64 `json:"recovered"`
			Failed    int64 `json:"failed"`
		} `json:"retries"`
	}
	if err := json.NewDecoder(r).Decode(&rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Retries) != 2 {
		t.Fatalf("the original's report lists %d retries, want 2", len(rep.Retries))
	}
	for _, x := range rep.Retries {
		if x.Recovered != 2 || x.Failed != 1 {
			t.Errorf("retry %d in the original's report: %d recovered, %d failed; want 2 and 1, as its record says", x.N, x.Recovered, x.Failed)
		}
	}
	got, err := st.Export(ctx, "c7", orig.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, ref := range got.Retries {
		if ref.State != export.CompletedWithErrors || ref.Recovered != 2 {
			t.Errorf("the original's record lists %+v", ref)
		}
	}
}
