package control

import (
	"context"
	"errors"
	"fmt"

	"github.com/orgexport/orgexport/shared/auth"
	"github.com/orgexport/orgexport/shared/export"
)

// RetryFailed asks for a remediation export of what export eid failed to
// export (R16), for a super administrator of its organisation: one
// transaction decides (export.Export.CanRetry) and records the retry and
// its audit entry. The retry has no hold and does not count against R2;
// every super administrator is emailed. A refusal is audited too, and
// returned as an *export.RetryRefusal that says why.
//
// A request asks for one retry by number: n, as the caller saw the export
// (the console's button sends the number it shows), or, with n 0, the
// one after those recorded when the request arrived. When that retry
// exists already the request is a duplicate of the one that made it — the
// same button pressed twice, two admins at once, a client sending again —
// and gets that retry, with made false, rather than another. So two
// concurrent requests give one retry even when the transaction of the
// second waits (Firestore serialises them on the original's record) until
// the first retry has finished, when CanRetry alone would allow the next.
func (s *Service) RetryFailed(ctx context.Context, p auth.Principal, eid string, n int) (r *export.Export, made bool, err error) {
	org, _, err := s.superAdmin(ctx, p)
	if err != nil {
		return nil, false, err
	}
	if n == 0 {
		// The request's intent is pinned at its arrival, before anything
		// slow: the retry after the ones it could have seen.
		orig, err := s.Store.Export(ctx, org.CustomerID, eid)
		if err != nil {
			return nil, false, err
		}
		n = len(orig.Retries) + 1
	}
	admins, err := s.Directory.SuperAdmins(ctx, org, p.Email)
	if err != nil {
		return nil, false, err
	}
	now := s.now()
	var existing string
	r, err = s.Store.StartRetry(ctx, org.CustomerID, eid, func(orig, latest *export.Export) (*export.Export, []export.AuditEntry, error) {
		switch k := len(orig.Retries); {
		case orig.IsRetry(): // CanRetry says why not
		case n >= 1 && n <= k:
			existing = orig.Retries[n-1].ID
			return nil, nil, export.ErrRetryExists
		case n != k+1:
			return nil, nil, &export.RetryRefusal{Reason: export.RetryNoSuch,
				Message: fmt.Sprintf("Retry %d was asked for, but the export has %d retries; reload its page and ask again.", n, k)}
		}
		if err := orig.CanRetry(latest, now); err != nil {
			return nil, nil, err
		}
		r := export.NewRetry(orig, latest, p.Email, admins, now)
		existing = r.ID // if another request creates it first
		return r, []export.AuditEntry{{At: now, Actor: p.Email, Action: export.ActionRemediate, ExportID: orig.ID,
			Detail: map[string]any{"retry": r.ID, "n": r.Retry, "source": r.Source}}}, nil
	})
	if errors.Is(err, export.ErrRetryExists) {
		r, err := s.Store.Export(ctx, org.CustomerID, existing)
		return r, false, err
	}
	var refusal *export.RetryRefusal
	if errors.As(err, &refusal) {
		entry := export.AuditEntry{At: now, Actor: p.Email, Action: export.ActionRetryRefused, ExportID: eid,
			Detail: map[string]any{"reason": refusal.Reason, "message": refusal.Message}}
		if aerr := s.Store.AppendAudit(ctx, org.CustomerID, entry); aerr != nil {
			return nil, false, fmt.Errorf("record refused retry: %w", aerr)
		}
		return nil, false, err
	}
	if err != nil {
		return nil, false, err
	}
	// As for a start: the record stands, and Housekeeping enqueues a begin
	// that went missing and sends the email if it cannot go now.
	if err := s.enqueueBegin(ctx, r); err != nil {
		s.Log.ErrorContext(ctx, "begin task of the retry not created; housekeeping will retry", "export", r.ID, "error", err)
	}
	s.flush(ctx, r)
	return r, true, nil
}

// noteRetry updates, when e is a retry, its original's list of retries
// with e's state. It is for display only (the retry's own record is what
// the rule reads), so a failure is logged, not returned.
func (s *Service) noteRetry(ctx context.Context, e *export.Export) {
	if !e.IsRetry() {
		return
	}
	_, err := s.Store.Update(ctx, e.CustomerID, e.Parent, func(x *export.Export) ([]export.AuditEntry, error) {
		x.Recorded(e)
		return nil, nil
	})
	if err != nil {
		s.Log.WarnContext(ctx, "the original's list of retries not updated", "export", e.Parent, "retry", e.ID, "error", err)
	}
}
