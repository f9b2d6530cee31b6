package wire

import (
	"context"
	"strings"

	"github.com/orgexport/orgexport/shared/control"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/notify"
	"github.com/orgexport/orgexport/shared/pipeline"
)

// Mailer turns export records into the emails of package notify.
type Mailer struct {
	Sender *notify.Sender
}

var (
	_ control.Mailer      = (*Mailer)(nil)
	_ pipeline.Completion = (*Mailer)(nil)
)

// HoldNotice implements control.Mailer (R3a).
func (m *Mailer) HoldNotice(ctx context.Context, to []string, e *export.Export) error {
	return m.Sender.SendHoldNotice(ctx, notify.HoldNotice{To: to, Domain: e.Domain, ExportID: e.ID,
		RequestedBy: e.RequestedBy, RequestedAt: e.RequestedAt, StartsAt: e.HoldEnd})
}

// Cancelled implements control.Mailer (R3c, R3d).
func (m *Mailer) Cancelled(ctx context.Context, to []string, e *export.Export) error {
	by := e.CancelledBy
	if by == "orgexport" {
		by = ""
	}
	return m.Sender.SendCancellation(ctx, notify.Cancellation{To: to, Domain: e.Domain, ExportID: e.ID,
		RequestedBy: e.RequestedBy, RequestedAt: e.RequestedAt, CancelledBy: by, CancelledAt: e.CancelledAt,
		Reason: e.CancelNote})
}

// Completed implements pipeline.Completion (R11).
func (m *Mailer) Completed(ctx context.Context, e *export.Export) error {
	t := e.Totals
	return m.Sender.SendCompletion(ctx, notify.Completion{To: e.RequestedBy, Domain: e.Domain, ExportID: e.ID,
		State: e.State, RequestedAt: e.RequestedAt, StartedAt: e.StartedAt, FinishedAt: e.CompletedAt, ExpiresAt: e.Expires,
		Totals: notify.Totals{Accounts: t.Accounts, AccountsWithErrors: t.AccountsFailed, Exported: t.Files,
			Failed: t.FailedItems, Unsupported: len(e.Unsupported)},
		ArchivePrefix: strings.TrimSuffix(e.Prefix, "/")})
}
