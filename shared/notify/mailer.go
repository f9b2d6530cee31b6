package notify

import (
	"context"
	"strings"

	"github.com/orgexport/orgexport/shared/export"
)

// Mailer turns export records into the emails of this package: the
// control plane's hold and cancellation notices and the data plane's
// completion email.
type Mailer struct {
	Sender *Sender
}

// HoldNotice tells the super administrators that an export was requested (R3a).
func (m *Mailer) HoldNotice(ctx context.Context, to []string, e *export.Export) error {
	return m.Sender.SendHoldNotice(ctx, HoldNotice{To: to, Domain: e.Domain, ExportID: e.ID,
		RequestedBy: e.RequestedBy, RequestedAt: e.RequestedAt, StartsAt: e.HoldEnd})
}

// Cancelled tells them that it was cancelled (R3c, R3d).
func (m *Mailer) Cancelled(ctx context.Context, to []string, e *export.Export) error {
	by := e.CancelledBy
	if by == "orgexport" {
		by = ""
	}
	return m.Sender.SendCancellation(ctx, Cancellation{To: to, Domain: e.Domain, ExportID: e.ID,
		RequestedBy: e.RequestedBy, RequestedAt: e.RequestedAt, CancelledBy: by, CancelledAt: e.CancelledAt,
		Reason: e.CancelNote})
}

// Completed tells the requester that it is done (R11).
func (m *Mailer) Completed(ctx context.Context, e *export.Export) error {
	t := e.Totals
	return m.Sender.SendCompletion(ctx, Completion{To: e.RequestedBy, Domain: e.Domain, ExportID: e.ID,
		State: e.State, RequestedAt: e.RequestedAt, StartedAt: e.StartedAt, FinishedAt: e.CompletedAt, ExpiresAt: e.Expires,
		Totals: Totals{Accounts: t.Accounts, AccountsWithErrors: t.AccountsFailed, Exported: t.Files,
			Failed: t.FailedItems, Unsupported: len(e.Unsupported)},
		ArchivePrefix: strings.TrimSuffix(e.Prefix, "/")})
}
