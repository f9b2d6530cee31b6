package store

import (
	"context"
	"fmt"
	"time"

	"cloud.google.com/go/firestore"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/orgexport/orgexport/shared/export"
)

// Store keeps records in Firestore. It finds the emulator through
// FIRESTORE_EMULATOR_HOST, as the client library does.
type Store struct {
	fs *firestore.Client
}

// New connects to the project's default database.
func New(ctx context.Context, project string) (*Store, error) {
	c, err := firestore.NewClient(ctx, project)
	if err != nil {
		return nil, fmt.Errorf("firestore: %w", err)
	}
	return &Store{fs: c}, nil
}

// Close releases the client.
func (s *Store) Close() error { return s.fs.Close() }

func (s *Store) org(cid string) *firestore.DocumentRef { return s.fs.Collection("customers").Doc(cid) }

func (s *Store) export(cid, eid string) *firestore.DocumentRef {
	return s.org(cid).Collection("exports").Doc(eid)
}

func (s *Store) account(cid, eid, key string) *firestore.DocumentRef {
	return s.export(cid, eid).Collection("accounts").Doc(key)
}

func notFound(err error) bool { return status.Code(err) == codes.NotFound }

// validID rejects ids that are not a single Firestore document id.
func validID(ids ...string) error {
	for _, id := range ids {
		if id == "" || len(id) > 500 || id == "." || id == ".." {
			return export.ErrNotFound
		}
		for _, r := range id {
			if r == '/' {
				return export.ErrNotFound
			}
		}
	}
	return nil
}

// Organisation returns the organisation's record; a zero record with the id
// set when there is none yet.
func (s *Store) Organisation(ctx context.Context, cid string) (export.Organisation, error) {
	if err := validID(cid); err != nil {
		return export.Organisation{}, err
	}
	snap, err := s.org(cid).Get(ctx)
	if notFound(err) {
		return export.Organisation{ID: cid}, nil
	}
	if err != nil {
		return export.Organisation{}, fmt.Errorf("organisation %s: %w", cid, err)
	}
	var o export.Organisation
	if err := snap.DataTo(&o); err != nil {
		return export.Organisation{}, fmt.Errorf("organisation %s: %w", cid, err)
	}
	o.ID = cid
	return o, nil
}

// Start records a new export and its audit entry atomically, if R2 allows:
// no other export is active and the cool-down is over at now.
//
// The one-export rule is a lock document created with the export, in one
// commit: Firestore lets exactly one Create of a document succeed, so of
// any number of concurrent starts one wins and the rest fail at once with
// AlreadyExists — no read locks to wait on, however many admins press the
// button together.
func (s *Store) Start(ctx context.Context, e *export.Export, audit export.AuditEntry, now time.Time) error {
	if err := validID(e.CustomerID, e.ID); err != nil {
		return err
	}
	o, err := s.Organisation(ctx, e.CustomerID)
	if err != nil {
		return err
	}
	// The cool-down changes only when an export completes (impossible while
	// no export is active) or support resets it, so this read is enough;
	// the lock document below decides between concurrent starts.
	if err := o.Admit(now); err != nil {
		return err
	}
	err = s.fs.RunTransaction(ctx, func(ctx context.Context, tx *firestore.Transaction) error {
		if err := tx.Create(s.lock(e.CustomerID), lock{ExportID: e.ID, At: now}); err != nil {
			return err
		}
		if err := tx.Set(s.org(e.CustomerID), map[string]any{"id": e.CustomerID, "domain": e.Domain, "activeExport": e.ID}, firestore.MergeAll); err != nil {
			return err
		}
		if err := tx.Create(s.export(e.CustomerID, e.ID), e); err != nil {
			return err
		}
		return s.audit(tx, e.CustomerID, audit)
	})
	if alreadyExists(err) {
		return s.activeError(ctx, e.CustomerID)
	}
	return err
}

// lock is the document that holds an organisation's one active export.
type lock struct {
	ExportID string    `firestore:"exportId"`
	At       time.Time `firestore:"at"`
}

func (s *Store) lock(cid string) *firestore.DocumentRef {
	return s.org(cid).Collection("locks").Doc("active")
}

// activeError names the export that holds the lock.
func (s *Store) activeError(ctx context.Context, cid string) error {
	snap, err := s.lock(cid).Get(ctx)
	if err != nil {
		return fmt.Errorf("read the active export of %s: %w", cid, err)
	}
	var l lock
	if err := snap.DataTo(&l); err != nil {
		return err
	}
	return &export.ActiveError{ExportID: l.ExportID}
}

func (s *Store) audit(tx *firestore.Transaction, cid string, entries ...export.AuditEntry) error {
	for _, a := range entries {
		if err := tx.Create(s.org(cid).Collection("audit").NewDoc(), a); err != nil {
			return err
		}
	}
	return nil
}

// Export returns one export of an organisation.
func (s *Store) Export(ctx context.Context, cid, eid string) (*export.Export, error) {
	if err := validID(cid, eid); err != nil {
		return nil, err
	}
	snap, err := s.export(cid, eid).Get(ctx)
	if notFound(err) {
		return nil, export.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("export %s: %w", eid, err)
	}
	return decodeExport(snap)
}

func decodeExport(snap *firestore.DocumentSnapshot) (*export.Export, error) {
	var e export.Export
	if err := snap.DataTo(&e); err != nil {
		return nil, fmt.Errorf("export %s: %w", snap.Ref.ID, err)
	}
	return &e, nil
}

// Exports lists an organisation's exports, newest first.
func (s *Store) Exports(ctx context.Context, cid string, limit int) ([]*export.Export, error) {
	if err := validID(cid); err != nil {
		return nil, err
	}
	q := s.org(cid).Collection("exports").OrderBy("requestedAt", firestore.Desc).Limit(limit)
	return collectExports(q.Documents(ctx))
}

func collectExports(it *firestore.DocumentIterator) ([]*export.Export, error) {
	snaps, err := it.GetAll()
	if err != nil {
		return nil, fmt.Errorf("list exports: %w", err)
	}
	out := make([]*export.Export, 0, len(snaps))
	for _, snap := range snaps {
		e, err := decodeExport(snap)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

func alreadyExists(err error) bool { return status.Code(err) == codes.AlreadyExists }

func countValue(v any) (int64, error) {
	switch n := v.(type) {
	case int64:
		return n, nil
	case interface{ GetIntegerValue() int64 }:
		return n.GetIntegerValue(), nil
	}
	return 0, fmt.Errorf("unexpected count %T", v)
}
