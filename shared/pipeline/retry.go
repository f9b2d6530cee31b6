package pipeline

import (
	"context"
	"fmt"
	"slices"

	"github.com/orgexport/orgexport/shared/archive"
	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
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
		batch = append(batch, export.Account{Key: a.Key, Type: a.Type, ID: a.ID, Name: a.Name, Kind: a.Kind,
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
