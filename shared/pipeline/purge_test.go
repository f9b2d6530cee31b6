package pipeline_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/orgexport/orgexport/shared/blob"
	"github.com/orgexport/orgexport/shared/export"
)

// A cancel mid-run leaves nothing behind: the purge stops the account
// still at work, waits out the lease of its worker, and deletes every
// object the export wrote.
func TestPurgeDeletesEveryObjectOfACancelledExport(t *testing.T) {
	ctx := context.Background()
	conn := &numbered{n: 30, size: 100 << 10, crashAt: -1}
	p, rec, st, bucket, _ := setup(t, conn, 1<<20)
	p.Archive = blob.Deleter{Bucket: bucket}
	clk := &clock{now: time.Now().UTC()}
	p.Now = clk.Now
	// Two parts are written, then the third part's worker claims and
	// stops mid-way (its lease lives on).
	for range 2 {
		task, _ := rec.next()
		if err := p.Account(ctx, task); err != nil {
			t.Fatal(err)
		}
	}
	third, _ := rec.next()
	key := third.AccountKey
	if _, _, err := st.ClaimAccount(ctx, "c1", "e1", key, func(e *export.Export, a *export.Account) (bool, error) {
		_, err := a.Claim(e, third.Part, clk.Now())
		return true, err
	}); err != nil {
		t.Fatal(err)
	}
	if n := count(t, bucket, "c1/e1/"); n < 2 {
		t.Fatalf("%d objects before the cancel; want the parts written", n)
	}
	if _, err := st.Update(ctx, "c1", "e1", func(e *export.Export) ([]export.AuditEntry, error) {
		e.State, e.CancelledAt = export.Cancelled, clk.Now()
		return nil, nil
	}); err != nil {
		t.Fatal(err)
	}
	purge := export.BeginTask{CustomerID: "c1", ExportID: "e1", Action: export.ActionPurgeData}
	if err := p.Purge(ctx, purge); !errors.Is(err, export.ErrTooEarly) {
		t.Fatalf("purge while a stopped worker's lease lasts: %v, want ErrTooEarly (retried later)", err)
	}
	// The stopped worker uploads once more before it notices.
	w := bucket.NewWriter(ctx, "c1/e1/users/alice@example.com/late.zip", "application/zip")
	w.Write([]byte("late"))
	w.Close()
	a, _ := st.Account(ctx, "c1", "e1", key)
	if a.State != export.AccountCancelled || a.Holds(a.Attempts) == nil {
		t.Errorf("the account at work is %s and its worker still holds the lease", a.State)
	}
	clk.add(export.LeaseTTL + time.Second)
	if err := p.Purge(ctx, purge); err != nil {
		t.Fatal(err)
	}
	if n := count(t, bucket, "c1/e1/"); n != 0 {
		t.Errorf("%d objects left after the purge", n)
	}
	e, _ := st.Export(ctx, "c1", "e1")
	if e.DataDeletedAt.IsZero() {
		t.Error("the export does not say when its data was deleted")
	}
	audit, _ := st.Audit(ctx, "c1", 10)
	if len(audit) == 0 || audit[0].Action != export.ActionPurge {
		t.Errorf("audit %+v: want the purge recorded", audit)
	}
	if err := p.Purge(ctx, purge); err != nil || count(t, bucket, "c1/e1/") != 0 {
		t.Errorf("a redelivered purge: %v", err)
	}
}

func count(t *testing.T, b *blob.Memory, prefix string) int {
	n := 0
	for _, err := range b.List(context.Background(), prefix) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	return n
}
