package store

import (
	"context"
	"fmt"
	"iter"
	"time"

	"cloud.google.com/go/firestore"
	"google.golang.org/api/iterator"

	"github.com/orgexport/orgexport/shared/export"
)

// AddAccounts records accounts of an export that are not recorded yet and
// returns how many were new. A duplicate delivery of the same page creates
// nothing twice.
func (s *Store) AddAccounts(ctx context.Context, cid, eid string, accts []export.Account) (int, error) {
	if err := validID(cid, eid); err != nil {
		return 0, err
	}
	bw := s.fs.BulkWriter(ctx)
	jobs := make([]*firestore.BulkWriterJob, 0, len(accts))
	for i := range accts {
		j, err := bw.Create(s.account(cid, eid, accts[i].Key), accts[i])
		if err != nil {
			bw.End()
			return 0, fmt.Errorf("add account %s: %w", accts[i].ID, err)
		}
		jobs = append(jobs, j)
	}
	bw.End()
	created := 0
	for i, j := range jobs {
		_, err := j.Results()
		switch {
		case err == nil:
			created++
		case alreadyExists(err):
		default:
			return created, fmt.Errorf("add account %s: %w", accts[i].ID, err)
		}
	}
	return created, nil
}

// Account returns one account of an export.
func (s *Store) Account(ctx context.Context, cid, eid, key string) (*export.Account, error) {
	if err := validID(cid, eid, key); err != nil {
		return nil, err
	}
	snap, err := s.account(cid, eid, key).Get(ctx)
	if notFound(err) {
		return nil, export.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("account %s: %w", key, err)
	}
	var a export.Account
	if err := snap.DataTo(&a); err != nil {
		return nil, fmt.Errorf("account %s: %w", key, err)
	}
	return &a, nil
}

// UpdateAccount reads an account, lets fn change it and writes it back in one
// transaction.
func (s *Store) UpdateAccount(ctx context.Context, cid, eid, key string, fn func(a *export.Account) error) (*export.Account, error) {
	if err := validID(cid, eid, key); err != nil {
		return nil, err
	}
	var out *export.Account
	err := s.fs.RunTransaction(ctx, func(ctx context.Context, tx *firestore.Transaction) error {
		ref := s.account(cid, eid, key)
		snap, err := tx.Get(ref)
		if notFound(err) {
			return export.ErrNotFound
		}
		if err != nil {
			return err
		}
		var a export.Account
		if err := snap.DataTo(&a); err != nil {
			return err
		}
		if err := fn(&a); err != nil {
			return err
		}
		out = &a
		return tx.Set(ref, a)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ClaimAccount reads an export and one of its accounts and lets fn decide,
// in one transaction: the account is written back when fn says so. It is
// how a task claims its part (export.Account.Claim) without another
// delivery claiming it between the read and the write.
func (s *Store) ClaimAccount(ctx context.Context, cid, eid, key string, fn func(e *export.Export, a *export.Account) (bool, error)) (*export.Export, *export.Account, error) {
	if err := validID(cid, eid, key); err != nil {
		return nil, nil, err
	}
	var e *export.Export
	var a *export.Account
	err := s.fs.RunTransaction(ctx, func(ctx context.Context, tx *firestore.Transaction) error {
		esnap, err := tx.Get(s.export(cid, eid))
		if notFound(err) {
			return export.ErrNotFound
		}
		if err != nil {
			return err
		}
		if e, err = decodeExport(esnap); err != nil {
			return err
		}
		ref := s.account(cid, eid, key)
		asnap, err := tx.Get(ref)
		if notFound(err) {
			return export.ErrNotFound
		}
		if err != nil {
			return err
		}
		a = &export.Account{}
		if err := asnap.DataTo(a); err != nil {
			return err
		}
		write, err := fn(e, a)
		if err != nil || !write {
			return err
		}
		return tx.Set(ref, a)
	})
	if err != nil {
		return nil, nil, err
	}
	return e, a, nil
}

// Accounts yields every account of an export in key order, a page at a time,
// so 10,000 accounts are never held at once.
func (s *Store) Accounts(ctx context.Context, cid, eid string) iter.Seq2[*export.Account, error] {
	return s.accountsWhere(ctx, s.export(cid, eid).Collection("accounts").Query)
}

func (s *Store) accountsWhere(ctx context.Context, q firestore.Query) iter.Seq2[*export.Account, error] {
	return func(yield func(*export.Account, error) bool) {
		it := q.Documents(ctx)
		defer it.Stop()
		for {
			snap, err := it.Next()
			if err == iterator.Done {
				return
			}
			if err != nil {
				yield(nil, fmt.Errorf("list accounts: %w", err))
				return
			}
			var a export.Account
			if err := snap.DataTo(&a); err != nil {
				yield(nil, fmt.Errorf("account %s: %w", snap.Ref.ID, err))
				return
			}
			if !yield(&a, nil) {
				return
			}
		}
	}
}

// CountAccounts counts an export's accounts in any of states (all when none).
func (s *Store) CountAccounts(ctx context.Context, cid, eid string, states ...export.AccountState) (int64, error) {
	if err := validID(cid, eid); err != nil {
		return 0, err
	}
	q := s.export(cid, eid).Collection("accounts").Query
	if len(states) > 0 {
		in := make([]string, len(states))
		for i, st := range states {
			in[i] = string(st)
		}
		q = q.Where("state", "in", in)
	}
	res, err := q.NewAggregationQuery().WithCount("n").Get(ctx)
	if err != nil {
		return 0, fmt.Errorf("count accounts of %s: %w", eid, err)
	}
	return countValue(res["n"])
}

// Unfinished reports whether any account of an export is still pending or
// running. It asks for one key only, so it costs one document read however
// many accounts the export has; AssembleReport asks it on every finished
// account, where a count would make an export of N accounts read O(N²)
// index entries.
func (s *Store) Unfinished(ctx context.Context, cid, eid string) (bool, error) {
	if err := validID(cid, eid); err != nil {
		return false, err
	}
	it := s.unfinished(cid, eid).Select().Limit(1).Documents(ctx)
	defer it.Stop()
	_, err := it.Next()
	switch {
	case err == iterator.Done:
		return false, nil
	case err != nil:
		return false, fmt.Errorf("unfinished accounts of %s: %w", eid, err)
	}
	return true, nil
}

// StuckAccounts yields running accounts whose last heartbeat is before t.
func (s *Store) StuckAccounts(ctx context.Context, cid, eid string, t time.Time) iter.Seq2[*export.Account, error] {
	q := s.export(cid, eid).Collection("accounts").
		Where("state", "==", string(export.AccountRunning)).Where("heartbeat", "<", t)
	return s.accountsWhere(ctx, q)
}

// UnfinishedAccounts yields accounts that are not final.
func (s *Store) UnfinishedAccounts(ctx context.Context, cid, eid string) iter.Seq2[*export.Account, error] {
	return s.accountsWhere(ctx, s.unfinished(cid, eid))
}

// unfinished is the query of an export's accounts that are not final.
func (s *Store) unfinished(cid, eid string) firestore.Query {
	return s.export(cid, eid).Collection("accounts").
		Where("state", "in", []string{string(export.AccountPending), string(export.AccountRunning)})
}

// CountAccountsWithFailedItems counts an export's accounts with at least one
// failed item.
func (s *Store) CountAccountsWithFailedItems(ctx context.Context, cid, eid string) (int64, error) {
	if err := validID(cid, eid); err != nil {
		return 0, err
	}
	q := s.export(cid, eid).Collection("accounts").Where("failedItems", ">", 0)
	res, err := q.NewAggregationQuery().WithCount("n").Get(ctx)
	if err != nil {
		return 0, fmt.Errorf("count accounts with failures of %s: %w", eid, err)
	}
	return countValue(res["n"])
}

// SumAccounts counts an export's accounts, those that are final, and sums
// their files, failed items and bytes, with Firestore aggregations: the
// accounts are never read.
func (s *Store) SumAccounts(ctx context.Context, cid, eid string) (export.Sums, error) {
	if err := validID(cid, eid); err != nil {
		return export.Sums{}, err
	}
	col := s.export(cid, eid).Collection("accounts")
	res, err := col.NewAggregationQuery().WithCount("n").
		WithSum("files", "files").WithSum("failedItems", "failed").WithSum("bytes", "bytes").Get(ctx)
	if err != nil {
		return export.Sums{}, fmt.Errorf("sum accounts of %s: %w", eid, err)
	}
	var sums export.Sums
	for _, f := range []struct {
		alias string
		to    *int64
	}{{"n", &sums.Accounts}, {"files", &sums.Files}, {"failed", &sums.FailedItems}, {"bytes", &sums.Bytes}} {
		if *f.to, err = sumValue(res[f.alias]); err != nil {
			return export.Sums{}, fmt.Errorf("sum accounts of %s: %s: %w", eid, f.alias, err)
		}
	}
	sums.Final, err = s.CountAccounts(ctx, cid, eid, export.FinalAccountStates...)
	return sums, err
}

// sumValue reads an aggregate: an integer, or a double once a sum
// overflows.
func sumValue(v any) (int64, error) {
	if n, ok := v.(interface {
		GetIntegerValue() int64
		GetDoubleValue() float64
	}); ok && n.GetDoubleValue() != 0 {
		return int64(n.GetDoubleValue()), nil
	}
	return countValue(v)
}
