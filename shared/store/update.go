package store

import (
	"context"
	"fmt"
	"time"

	"cloud.google.com/go/firestore"

	"github.com/orgexport/orgexport/shared/export"
)

// Update reads the export, lets fn change it, and writes it back with the
// audit entries fn returns, in one transaction; an error from fn aborts it
// and records nothing. The store enforces what the domain decides: a state
// change must be one export.State.CanMove allows, and the organisation is
// released as export.Organisation.Release says (lock, cool-down R2b).
func (s *Store) Update(ctx context.Context, cid, eid string, fn func(e *export.Export) ([]export.AuditEntry, error)) (*export.Export, error) {
	if err := validID(cid, eid); err != nil {
		return nil, err
	}
	var out *export.Export
	err := s.fs.RunTransaction(ctx, func(ctx context.Context, tx *firestore.Transaction) error {
		ref := s.export(cid, eid)
		snap, err := tx.Get(ref)
		if notFound(err) {
			return export.ErrNotFound
		}
		if err != nil {
			return err
		}
		e, err := decodeExport(snap)
		if err != nil {
			return err
		}
		from := e.State
		audit, err := fn(e)
		if err != nil {
			return err
		}
		if err := from.CheckMove(e.State); err != nil {
			return err
		}
		if err := s.releaseLock(tx, e, from); err != nil {
			return err
		}
		if err := tx.Set(ref, e); err != nil {
			return err
		}
		out = e
		return s.audit(tx, cid, audit...)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// releaseLock applies export.Organisation.Release within tx and deletes
// the lock document when e held it. Reads come first, as Firestore
// transactions require.
func (s *Store) releaseLock(tx *firestore.Transaction, e *export.Export, from export.State) error {
	if !e.Releases(from) {
		return nil
	}
	ref := s.org(e.CustomerID)
	snap, err := tx.Get(ref)
	if err != nil {
		return err
	}
	var o export.Organisation
	if err := snap.DataTo(&o); err != nil {
		return err
	}
	lockSnap, err := tx.Get(s.lock(e.CustomerID))
	if err != nil && !notFound(err) {
		return err
	}
	if err == nil {
		var l lock
		if err := lockSnap.DataTo(&l); err != nil {
			return err
		}
		if l.ExportID == e.ID {
			if err := tx.Delete(s.lock(e.CustomerID)); err != nil {
				return err
			}
		}
	}
	o.Release(e, from)
	return tx.Set(ref, o)
}

// UpdateOrganisation changes an organisation's record with fn's audit
// entries in one transaction (support actions, R14).
func (s *Store) UpdateOrganisation(ctx context.Context, cid string, fn func(o *export.Organisation) ([]export.AuditEntry, error)) (export.Organisation, error) {
	if err := validID(cid); err != nil {
		return export.Organisation{}, err
	}
	var out export.Organisation
	err := s.fs.RunTransaction(ctx, func(ctx context.Context, tx *firestore.Transaction) error {
		ref := s.org(cid)
		o := export.Organisation{ID: cid}
		snap, err := tx.Get(ref)
		if err != nil && !notFound(err) {
			return err
		}
		if err == nil {
			if err := snap.DataTo(&o); err != nil {
				return err
			}
		}
		audit, err := fn(&o)
		if err != nil {
			return err
		}
		if err := tx.Set(ref, o); err != nil {
			return err
		}
		out = o
		return s.audit(tx, cid, audit...)
	})
	return out, err
}

// Audit returns an organisation's audit log, newest first.
func (s *Store) Audit(ctx context.Context, cid string, limit int) ([]export.AuditEntry, error) {
	if err := validID(cid); err != nil {
		return nil, err
	}
	snaps, err := s.org(cid).Collection("audit").OrderBy("at", firestore.Desc).Limit(limit).Documents(ctx).GetAll()
	if err != nil {
		return nil, fmt.Errorf("audit %s: %w", cid, err)
	}
	out := make([]export.AuditEntry, 0, len(snaps))
	for _, snap := range snaps {
		var a export.AuditEntry
		if err := snap.DataTo(&a); err != nil {
			return nil, fmt.Errorf("audit %s: %w", cid, err)
		}
		out = append(out, a)
	}
	return out, nil
}

// ExportsDue lists, across organisations, exports in state whose time field
// (one of "deadline", "expires", "holdEnd", "cancelledAt") is at or before t. Each query
// has its composite index in infra (see Queries).
func (s *Store) ExportsDue(ctx context.Context, state export.State, field string, t time.Time) ([]*export.Export, error) {
	q := s.fs.CollectionGroup("exports").Where("state", "==", string(state)).Where(field, "<=", t)
	return collectExports(q.Documents(ctx))
}

// ExportsWithMail lists, across organisations, the exports with an email
// not sent yet (export.Export.MailPending), oldest request first.
func (s *Store) ExportsWithMail(ctx context.Context) ([]*export.Export, error) {
	q := s.fs.CollectionGroup("exports").Where("mailPending", "==", true).OrderBy("requestedAt", firestore.Asc)
	return collectExports(q.Documents(ctx))
}

// AppendAudit records entries outside any other change (a refused request).
func (s *Store) AppendAudit(ctx context.Context, cid string, entries ...export.AuditEntry) error {
	if err := validID(cid); err != nil {
		return err
	}
	return s.fs.RunTransaction(ctx, func(ctx context.Context, tx *firestore.Transaction) error {
		return s.audit(tx, cid, entries...)
	})
}

// StartRetry decides and records a retry of export eid in one transaction
// (R16): it reads the original and the record of its latest retry, lets
// decide check the rule and build the retry (changing the original), and
// creates the retry with the audit entries decide returns. Concurrent
// requests serialise on the original's record, and a retry's id names its
// number, so two requests that decide the same retry make one: the other
// is decided again on the changed original, or, should its create still
// reach the store, gets export.ErrRetryExists.
func (s *Store) StartRetry(ctx context.Context, cid, eid string, decide func(orig, latest *export.Export) (*export.Export, []export.AuditEntry, error)) (*export.Export, error) {
	if err := validID(cid, eid); err != nil {
		return nil, err
	}
	var out *export.Export
	err := s.fs.RunTransaction(ctx, func(ctx context.Context, tx *firestore.Transaction) error {
		ref := s.export(cid, eid)
		snap, err := tx.Get(ref)
		if notFound(err) {
			return export.ErrNotFound
		}
		if err != nil {
			return err
		}
		orig, err := decodeExport(snap)
		if err != nil {
			return err
		}
		var latest *export.Export
		if n := len(orig.Retries); n > 0 {
			lsnap, err := tx.Get(s.export(cid, orig.Retries[n-1].ID))
			if err != nil {
				return fmt.Errorf("latest retry of %s: %w", eid, err)
			}
			if latest, err = decodeExport(lsnap); err != nil {
				return err
			}
		}
		r, audit, err := decide(orig, latest)
		if err != nil {
			return err
		}
		if err := tx.Create(s.export(cid, r.ID), r); err != nil {
			return err
		}
		if err := tx.Set(ref, orig); err != nil {
			return err
		}
		out = r
		return s.audit(tx, cid, audit...)
	})
	if alreadyExists(err) {
		return nil, export.ErrRetryExists
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}
