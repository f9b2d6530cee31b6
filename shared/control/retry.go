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
// its audit entry, so of concurrent requests one makes a retry. The retry
// has no hold and does not count against R2; every super administrator
// is emailed. A refusal is audited too, and returned as an
// *export.RetryRefusal that says why.
func (s *Service) RetryFailed(ctx context.Context, p auth.Principal, eid string) (*export.Export, error) {
	org, _, err := s.superAdmin(ctx, p)
	if err != nil {
		return nil, err
	}
	admins, err := s.Directory.SuperAdmins(ctx, org, p.Email)
	if err != nil {
		return nil, err
	}
	now := s.now()
	r, err := s.Store.StartRetry(ctx, org.CustomerID, eid, func(orig, latest *export.Export) (*export.Export, []export.AuditEntry, error) {
		if err := orig.CanRetry(latest, now); err != nil {
			return nil, nil, err
		}
		r := export.NewRetry(orig, latest, p.Email, admins, now)
		return r, []export.AuditEntry{{At: now, Actor: p.Email, Action: export.ActionRemediate, ExportID: orig.ID,
			Detail: map[string]any{"retry": r.ID, "n": r.Retry, "source": r.Source}}}, nil
	})
	var refusal *export.RetryRefusal
	if errors.As(err, &refusal) {
		entry := export.AuditEntry{At: now, Actor: p.Email, Action: export.ActionRetryRefused, ExportID: eid,
			Detail: map[string]any{"reason": refusal.Reason, "message": refusal.Message}}
		if aerr := s.Store.AppendAudit(ctx, org.CustomerID, entry); aerr != nil {
			return nil, fmt.Errorf("record refused retry: %w", aerr)
		}
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	// As for a start: the record stands, and Housekeeping enqueues a begin
	// that went missing and sends the email if it cannot go now.
	if err := s.enqueueBegin(ctx, r); err != nil {
		s.Log.ErrorContext(ctx, "begin task of the retry not created; housekeeping will retry", "export", r.ID, "error", err)
	}
	s.flush(ctx, r)
	return r, nil
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
