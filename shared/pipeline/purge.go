package pipeline

import (
	"context"
	"fmt"
	"time"

	"github.com/orgexport/orgexport/shared/export"
)

// Purge deletes every object of a cancelled export (its purge task), so a
// cancel — by an admin (R3d), or because the requester lost the role
// (R3c), perhaps a rogue admin — leaves no copy of the organisation's data
// behind. It first stops every account still at work (their leases are
// fenced, and what their connectors made in the organisation discarded),
// then deletes; it finishes only once every stopped worker's lease has
// lapsed, so no upload of theirs can land after the last deletion. Until
// then it answers export.ErrTooEarly and Cloud Tasks delivers it again.
func (p *Pipeline) Purge(ctx context.Context, t export.BeginTask) error {
	e, err := p.Store.Export(ctx, t.CustomerID, t.ExportID)
	if err != nil {
		return fmt.Errorf("purge %s: %w", t.ExportID, err)
	}
	if e.State != export.Cancelled || !e.DataDeletedAt.IsZero() {
		return nil // nothing to delete, or deleted already
	}
	if e.PurgeFrom.IsZero() {
		if e, err = p.stopAccounts(ctx, e); err != nil {
			return err
		}
	}
	n, err := p.Archive.DeletePrefix(ctx, e.Prefix)
	if err != nil {
		return fmt.Errorf("purge %s: %d objects deleted, then: %w", e.ID, n, err)
	}
	now := p.now()
	if now.Before(e.PurgeFrom) {
		return fmt.Errorf("purge %s: %d objects deleted; workers stopped by the cancel may upload until %s: %w",
			e.ID, n, e.PurgeFrom.Format(time.RFC3339), export.ErrTooEarly)
	}
	_, err = p.Store.Update(ctx, e.CustomerID, e.ID, func(x *export.Export) ([]export.AuditEntry, error) {
		if !x.DataDeletedAt.IsZero() {
			return nil, nil
		}
		x.DataDeletedAt = now
		return []export.AuditEntry{{At: now, Actor: "orgexport", Action: export.ActionPurge, ExportID: x.ID,
			Detail: map[string]any{"objectsDeleted": n}}}, nil
	})
	return err
}

// stopAccounts cancels every account of e that is not final and records
// when the last lease it fenced lapses.
func (p *Pipeline) stopAccounts(ctx context.Context, e *export.Export) (*export.Export, error) {
	now := p.now()
	from := now
	for a, err := range p.Store.Accounts(ctx, e.CustomerID, e.ID) {
		if err != nil {
			return nil, err
		}
		if a.State.Final() {
			continue
		}
		if a.LeaseHeld(now) && a.LeaseUntil.After(from) {
			from = a.LeaseUntil
		}
		if err := p.cancelAccount(ctx, e, a); err != nil {
			return nil, err
		}
	}
	return p.Store.Update(ctx, e.CustomerID, e.ID, func(x *export.Export) ([]export.AuditEntry, error) {
		if x.PurgeFrom.IsZero() {
			x.PurgeFrom = from
		}
		return nil, nil
	})
}
