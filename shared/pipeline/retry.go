package pipeline

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/orgexport/orgexport/shared/archive"
	"github.com/orgexport/orgexport/shared/blob"
	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/report"
)

// A retry (R16) runs through the same machinery as a full export: the same
// tasks, parts, leases and checkpoints. Only two things differ: its
// accounts are not listed from the Directory but taken from the source
// export's accounts that had failures, and each such account runs only
// the products with something to retry, fetching failed items by id where
// the connector can (connector.ItemExporter).

// retryBatch is how many accounts a retry records at once.
const retryBatch = 200

// enumerateRetry records, for each account of the source export with a
// failure, the retry's account with its plan, and enqueues its task. A
// repeated delivery records and enqueues nothing twice (the records are
// created once, the tasks are named).
func (p *Pipeline) enumerateRetry(ctx context.Context, e *export.Export) error {
	src, err := p.Store.Export(ctx, e.CustomerID, e.Source)
	if err != nil {
		return fmt.Errorf("retry %s: its source %s: %w", e.ID, e.Source, err)
	}
	var batch []export.Account
	total := 0
	flush := func() error {
		if _, err := p.Store.AddAccounts(ctx, e.CustomerID, e.ID, batch); err != nil {
			return err
		}
		for _, a := range batch {
			if err := p.enqueueAccount(ctx, e, a.Key, 1); err != nil {
				return err
			}
		}
		total += len(batch)
		batch = batch[:0]
		return nil
	}
	for a, err := range p.Store.Accounts(ctx, src.CustomerID, src.ID) {
		if err != nil {
			return err
		}
		plan := export.Retried(a, src.Prefix)
		if plan == nil {
			continue
		}
		batch = append(batch, export.Account{Key: a.Key, Type: a.Type, ID: a.ID, Name: a.Name, Kind: a.Kind, Suspended: a.Suspended,
			Subject: a.Subject, State: export.AccountPending, Resume: export.Resume{NextPart: 1},
			Products: map[string]export.ProductCount{}, RetryOf: plan})
		if len(batch) == retryBatch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	if _, err := p.Store.Update(ctx, e.CustomerID, e.ID, func(x *export.Export) ([]export.AuditEntry, error) {
		x.Enumeration = export.Enumeration{Phase: int(numKinds), Done: true, Accounts: total}
		return nil, nil
	}); err != nil {
		return err
	}
	return p.Events.AccountsFinished(ctx, e.CustomerID, e.ID)
}

// job is one product of an account to run in a part: everything, or only
// ids, fetched again by id.
type job struct {
	c   Connector
	ids []string // nil: everything
	how string   // in a retry, export.Retried…; "" in a full export
}

func (j job) run(ctx context.Context, a connector.Account, cursor string, em connector.Emitter) error {
	if j.ids != nil {
		return j.c.(connector.ItemExporter).ExportItems(ctx, a, j.ids, cursor, em)
	}
	return j.c.Export(ctx, a, cursor, em)
}

// jobs lists what a part of account a runs: every connector that has
// something for it, or, in a retry, only the products with failures.
func (p *Pipeline) jobs(ctx context.Context, e *export.Export, a *export.Account) ([]job, error) {
	conns := p.connectorsFor(asConnectorAccount(e, a))
	var out []job
	if a.RetryOf == nil || a.RetryOf.Whole {
		how := ""
		if a.RetryOf != nil {
			how = export.RetriedWhole
		}
		for _, c := range conns {
			out = append(out, job{c: c, how: how})
		}
		return out, nil
	}
	items, whole, err := p.failedItems(ctx, a.RetryOf.FailureObjects)
	if err != nil {
		return nil, err
	}
	for _, c := range conns {
		prod := c.Product()
		_, canItems := c.(connector.ItemExporter)
		switch {
		case whole[prod]:
			out = append(out, job{c: c, how: export.RetriedWhole})
		case len(items[prod]) == 0:
		case canItems:
			out = append(out, job{c: c, ids: items[prod], how: export.RetriedItems})
		default:
			out = append(out, job{c: c, how: export.RetriedWholeNoItems})
		}
	}
	return out, nil
}

// failedItems reads the source's failure lists: the failed item ids per
// product, and the products that failed as a whole ('(remaining items)').
// Items recorded as deleted since the export are not retried again.
func (p *Pipeline) failedItems(ctx context.Context, objects []string) (map[export.Product][]string, map[export.Product]bool, error) {
	items := map[export.Product][]string{}
	whole := map[export.Product]bool{}
	for _, name := range objects {
		r, err := p.Bucket.NewReader(ctx, name)
		if err != nil {
			return nil, nil, fmt.Errorf("read failures %s: %w", name, err)
		}
		err = archive.ReadFailures(r, func(f connector.Failure) error {
			switch {
			case f.Deleted:
			case f.ItemID == export.RetryItems:
				whole[f.Product] = true
			case f.ItemID != "":
				items[f.Product] = append(items[f.Product], f.ItemID)
			}
			return nil
		})
		r.Close()
		if err != nil {
			return nil, nil, fmt.Errorf("read failures %s: %w", name, err)
		}
	}
	for prod, ids := range items {
		slices.Sort(ids)
		items[prod] = slices.Compact(ids)
	}
	return items, whole, nil
}

// recordRetry adds the completed retry r to its original: the original's
// report.html and report.json are written again with a section linking
// each retry and what it recovered, and its manifest.json again with the
// retry's objects and the new reports, so a downloaded copy verifies;
// then the original's record notes the retry. That order makes a
// redelivery redo what a crash left undone: the record changes last.
//
// Retries of one original complete one after another but are recorded
// concurrently (a retry may complete while the last one's recording still
// stamps objects), so the report is built from every retry's own record,
// never from the original's list alone, and each of its objects is
// written only over the generation read before those records were: a
// write from older records than the object already holds fails, and is
// done again from fresh ones. The record never goes back from a retry's
// end to its running.
func (p *Pipeline) recordRetry(ctx context.Context, r *export.Export) error {
	for {
		orig, err := p.Store.Export(ctx, r.CustomerID, r.Parent)
		if err != nil {
			return fmt.Errorf("retry %s: its original %s: %w", r.ID, r.Parent, err)
		}
		g, err := p.generations(ctx, orig.Prefix, "report.html", "report.json", "manifest.json")
		if err != nil {
			return err
		}
		g.stamp = orig.RetentionFrom().Truncate(time.Second) // Custom-Time keeps seconds
		retries, err := p.retriesOf(ctx, orig)
		if err != nil {
			return err
		}
		changed := false
		for _, x := range retries {
			changed = orig.Recorded(x) || changed
		}
		if !changed {
			return nil // recorded already
		}
		err = p.rewriteOriginal(ctx, orig, g)
		if errors.Is(err, blob.ErrPrecondition) {
			continue // written meanwhile from records as new as these, or newer
		}
		if err != nil {
			return err
		}
		_, err = p.Store.Update(ctx, orig.CustomerID, orig.ID, func(x *export.Export) ([]export.AuditEntry, error) {
			for _, rx := range retries {
				if !x.RecordedEnd(rx) {
					x.Recorded(rx)
				}
			}
			return nil, nil
		})
		return err
	}
}

// generations reads the generations of names under prefix (0: absent).
func (p *Pipeline) generations(ctx context.Context, prefix string, names ...string) (*rewrite, error) {
	g := &rewrite{gen: map[string]int64{}}
	for _, n := range names {
		a, err := p.Bucket.Attrs(ctx, prefix+n)
		switch {
		case errors.Is(err, blob.ErrNotExist):
		case err != nil:
			return nil, fmt.Errorf("read %s: %w", prefix+n, err)
		default:
			g.gen[prefix+n] = a.Generation
		}
	}
	return g, nil
}

// retriesOf reads the records of e's retries.
func (p *Pipeline) retriesOf(ctx context.Context, e *export.Export) ([]*export.Export, error) {
	var out []*export.Export
	for _, ref := range e.Retries {
		x, err := p.Store.Export(ctx, e.CustomerID, ref.ID)
		if err != nil {
			return nil, fmt.Errorf("retry %s of %s: %w", ref.ID, e.ID, err)
		}
		out = append(out, x)
	}
	return out, nil
}

// rewriteOriginal writes orig's report and manifest again with its list
// of retries, unless it expired (its objects are gone).
func (p *Pipeline) rewriteOriginal(ctx context.Context, orig *export.Export, g *rewrite) error {
	if !orig.State.Done() {
		return nil
	}
	finished := orig.FinishedAt
	if finished.IsZero() { // completed before FinishedAt existed
		finished = orig.CompletedAt
	}
	rep, sums, err := p.buildReport(ctx, orig, orig.State, finished)
	if err != nil {
		return err
	}
	if err := p.writeReport(ctx, orig, rep, g); err != nil {
		return err
	}
	// The manifest is written stamped (g); what it lists is stamped as it
	// is listed, the retries' objects with the rest.
	stamps := p.stamper(ctx, orig.RetentionFrom())
	if _, err := p.writeManifest(ctx, orig, finished, g, sums, stamps.add); err != nil {
		_ = stamps.wait()
		return err
	}
	return stamps.wait()
}

// reportRetries are an original's retries as its report shows them.
func reportRetries(refs []export.RetryRef) []report.Retry {
	var out []report.Retry
	for _, r := range refs {
		out = append(out, report.Retry{N: r.N, ExportID: r.ID, RequestedBy: r.RequestedBy, RequestedAt: r.RequestedAt,
			CompletedAt: r.CompletedAt, State: r.State, Recovered: r.Recovered, Failed: r.Failed, Deleted: r.Deleted})
	}
	return out
}

// noteRunning shows a retry as running in its original's list of retries.
// For display only: the retry's own record is what the rule reads.
func (p *Pipeline) noteRunning(ctx context.Context, r *export.Export) {
	if !r.IsRetry() {
		return
	}
	_, err := p.Store.Update(ctx, r.CustomerID, r.Parent, func(x *export.Export) ([]export.AuditEntry, error) {
		if !x.RecordedEnd(r) { // a late delivery
			x.Recorded(r)
		}
		return nil, nil
	})
	if err != nil {
		p.Log.WarnContext(ctx, "the original's list of retries not updated", "export", r.Parent, "retry", r.ID, "error", err)
	}
}
