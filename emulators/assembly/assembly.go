// Package assembly records what AssembleReport finds when the last account
// of a large export is done, so that the assembly can be measured alone at
// any scale (issue 21: 10,000 accounts and 100,000 failed items): the
// export RUNNING with its enumeration done, every account DONE with one
// part and its index in the bucket, and some accounts with a failure file
// of many items.
//
// BenchmarkAssembleScale (shared/pipeline) runs the assembly in its own
// process on what Seed records; the assemblemem command has the real
// AssembleReport function do it, in a process of its own on the dev stack.
package assembly

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/orgexport/orgexport/shared/blob"
	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/store"
)

// Shape is the export to record.
type Shape struct {
	CustomerID, Domain string
	// RequestedBy is the super admin who started the export: the completion
	// email goes to them if they still are one.
	RequestedBy string
	ExportID    string
	// Accounts are users; the first WithErrors of them have PerAccount
	// failed Drive items each, in one failure file.
	Accounts, WithErrors, PerAccount int
}

// Issue21 is the scale of issue 21's assembly: 10,000 accounts and 100,000
// failed items, 100 in each of 1,000 accounts.
func Issue21(customerID, domain, requestedBy, exportID string) Shape {
	return Shape{CustomerID: customerID, Domain: domain, RequestedBy: requestedBy, ExportID: exportID,
		Accounts: 10_000, WithErrors: 1_000, PerAccount: 100}
}

// FailedItems is how many items the report must list as failed.
func (s Shape) FailedItems() int64 { return int64(min(s.WithErrors, s.Accounts) * s.PerAccount) }

// Prefix is the export's folder in the bucket.
func (s Shape) Prefix() string { return s.CustomerID + "/" + s.ExportID + "/" }

// uploaders is how many objects Seed writes at once: Cloud Storage (and its
// emulator) takes one request an object.
const uploaders = 16

// Seed records the export of s in st and its accounts' objects in bucket.
func Seed(ctx context.Context, st *store.Store, bucket blob.Bucket, s Shape) error {
	now := time.Now().UTC()
	e := &export.Export{ID: s.ExportID, CustomerID: s.CustomerID, Domain: s.Domain, State: export.OnHold,
		RequestedBy: s.RequestedBy, RequestedAt: now, HoldEnd: now, Prefix: s.Prefix()}
	if err := st.Start(ctx, e, export.AuditEntry{At: now, Actor: s.RequestedBy, Action: export.ActionStart}, now); err != nil {
		return fmt.Errorf("record export %s: %w", s.ExportID, err)
	}
	if _, err := st.Update(ctx, s.CustomerID, s.ExportID, func(e *export.Export) ([]export.AuditEntry, error) {
		e.State, e.StartedAt, e.Enumeration.Done = export.Running, now, true
		return nil, nil
	}); err != nil {
		return fmt.Errorf("start export %s: %w", s.ExportID, err)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(uploaders)
	var page []export.Account
	for i := range s.Accounts {
		a, objects := s.account(i)
		for name, data := range objects {
			g.Go(func() error { return put(gctx, bucket, s.Prefix()+name, data) })
		}
		if page = append(page, a); len(page) == 500 || i == s.Accounts-1 {
			if _, err := st.AddAccounts(ctx, s.CustomerID, s.ExportID, page); err != nil {
				_ = g.Wait()
				return fmt.Errorf("record accounts: %w", err)
			}
			page = page[:0]
		}
	}
	return g.Wait()
}

// account is the i-th account, done, and the objects it wrote (names under
// the export's prefix).
func (s Shape) account(i int) (export.Account, map[string][]byte) {
	id := fmt.Sprintf("user%05d@%s", i, s.Domain)
	folder := "users/" + id + "/"
	part := folder + id + "-001.zip"
	objects := map[string][]byte{part: []byte("PK"), folder + id + "-001.index.ndjson": []byte("{}\n")}
	a := export.Account{Key: export.AccountKey(export.User, id), Type: export.User, ID: id, Subject: id,
		State: export.AccountDone, Files: 2600, Bytes: 3 << 20,
		Products: map[string]export.ProductCount{string(export.Gmail): {Files: 2000}, string(export.Drive): {Files: 500},
			string(export.Calendar): {Files: 100}},
		Parts: []export.Part{{Name: part, Size: 2, SHA256: strings.Repeat("ab", 32)}}}
	if i < s.WithErrors {
		name := folder + id + "-001.failures.ndjson"
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		for j := range s.PerAccount {
			_ = enc.Encode(connector.Failure{Product: export.Drive, ItemID: fmt.Sprintf("1x%s-%06d", id[:9], j),
				Path:   fmt.Sprintf("Drive/Projects/Quarterly report <draft> %06d.gdoc", j),
				Reason: "export size limit exceeded (10 MB) & exportLinks unavailable"})
		}
		objects[name] = buf.Bytes()
		a.FailedItems, a.FailureObjects = int64(s.PerAccount), []string{name}
		a.Products[string(export.Drive)] = export.ProductCount{Files: 400, Failed: int64(s.PerAccount)}
	}
	return a, objects
}

func put(ctx context.Context, bucket blob.Bucket, name string, data []byte) error {
	w := bucket.NewWriter(ctx, name, "application/octet-stream")
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("upload %s: %w", name, err)
	}
	return nil
}
