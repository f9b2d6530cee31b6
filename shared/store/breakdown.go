package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"cloud.google.com/go/firestore"
	"golang.org/x/sync/errgroup"

	"github.com/orgexport/orgexport/shared/export"
)

// Breakdown computes an export's progress by account type and product and
// lists a few of its accounts with errors, with a fixed number of
// aggregation queries and one query of at most export.MaxListedErrors
// documents: the console's live page asks for it every few seconds, and
// reading every account instead would cost an export of 10,000 accounts
// 10,000 document reads a poll. Products with nothing exported and nothing
// failed are left out.
func (s *Store) Breakdown(ctx context.Context, cid, eid string) (export.Breakdown, error) {
	if err := validID(cid, eid); err != nil {
		return export.Breakdown{}, err
	}
	col := s.export(cid, eid).Collection("accounts")
	b := export.Breakdown{ByType: map[export.AccountType]export.TypeCount{}, ByProduct: map[export.Product]export.ProductSums{}}
	var mu sync.Mutex
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for _, t := range export.AccountTypes {
		g.Go(func() error {
			q := col.Where("type", "==", string(t))
			total, err := count(ctx, q)
			if err != nil || total == 0 {
				return err
			}
			final, err := count(ctx, q.Where("state", "in", finalStates()))
			mu.Lock()
			b.ByType[t] = export.TypeCount{Total: total, Final: final}
			mu.Unlock()
			return err
		})
	}
	// One query per product: a query of several aggregations counts only
	// the documents holding every field aggregated, and an account holds
	// only the products it has.
	for chunk := range slices.Chunk(export.Products, 1) {
		g.Go(func() error {
			aq := col.NewAggregationQuery()
			for i, p := range chunk {
				aq = aq.WithSumPath(firestore.FieldPath{"products", string(p), "files"}, fmt.Sprintf("f%d", i)).
					WithSumPath(firestore.FieldPath{"products", string(p), "failed"}, fmt.Sprintf("x%d", i))
			}
			res, err := aq.Get(ctx)
			if err != nil {
				return fmt.Errorf("sum products of %s: %w", eid, err)
			}
			for i, p := range chunk {
				files, err := sumValue(res[fmt.Sprintf("f%d", i)])
				if err != nil {
					return err
				}
				failed, err := sumValue(res[fmt.Sprintf("x%d", i)])
				if err != nil {
					return err
				}
				if files != 0 || failed != 0 {
					mu.Lock()
					b.ByProduct[p] = export.ProductSums{Files: files, Failed: failed}
					mu.Unlock()
				}
			}
			return nil
		})
	}
	g.Go(func() error {
		res, err := col.NewAggregationQuery().WithSum("files", "files").WithSum("failedItems", "failed").WithSum("bytes", "bytes").Get(ctx)
		if err != nil {
			return err
		}
		for alias, to := range map[string]*int64{"files": &b.Files, "failed": &b.Failed, "bytes": &b.Bytes} {
			if *to, err = sumValue(res[alias]); err != nil {
				return err
			}
		}
		return nil
	})
	withErrors := col.WhereEntity(firestore.OrFilter{Filters: []firestore.EntityFilter{
		firestore.PropertyFilter{Path: "failedItems", Operator: ">", Value: 0},
		firestore.PropertyFilter{Path: "state", Operator: "==", Value: string(export.AccountFailed)},
	}})
	g.Go(func() error {
		n, err := count(ctx, withErrors)
		b.WithErrors = n
		return err
	})
	g.Go(func() error {
		var listed []export.Account
		for a, err := range s.accountsWhere(ctx, withErrors.Limit(export.MaxListedErrors)) {
			if err != nil {
				return err
			}
			listed = append(listed, *a)
		}
		slices.SortFunc(listed, func(x, y export.Account) int { return strings.Compare(x.ID, y.ID) })
		b.Errors = listed
		return nil
	})
	if err := g.Wait(); err != nil {
		return export.Breakdown{}, fmt.Errorf("progress of %s: %w", eid, err)
	}
	return b, nil
}

func finalStates() []string {
	out := make([]string, len(export.FinalAccountStates))
	for i, st := range export.FinalAccountStates {
		out[i] = string(st)
	}
	return out
}

func count(ctx context.Context, q firestore.Query) (int64, error) {
	res, err := q.NewAggregationQuery().WithCount("n").Get(ctx)
	if err != nil {
		return 0, err
	}
	return countValue(res["n"])
}
