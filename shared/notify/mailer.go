package notify

import (
	"context"
	"fmt"
	"strings"

	"github.com/orgexport/orgexport/shared/export"
)

// Mailer turns export records into the emails of this package: the
// control plane's hold and cancellation notices and the data plane's
// completion email.
type Mailer struct {
	Sender *Sender
}

// Deliver sends the queued email mail of export e.
func (m *Mailer) Deliver(ctx context.Context, e *export.Export, mail export.Mail) error {
	switch mail.Kind {
	case export.MailHoldNotice:
		return m.holdNotice(ctx, mail, e)
	case export.MailCancelled:
		return m.cancelled(ctx, mail, e)
	case export.MailCompleted:
		return m.completed(ctx, mail, e)
	case export.MailRetryRequested:
		return m.Sender.SendRetryNotice(ctx, RetryNotice{To: mail.To, MessageID: mail.MessageID, Domain: e.Domain,
			ExportID: e.Parent, RetryID: e.ID, N: e.Retry, RequestedBy: e.RequestedBy, RequestedAt: e.RequestedAt, ExpiresAt: e.Expires})
	}
	return fmt.Errorf("notify: no email of kind %q", mail.Kind)
}

// holdNotice tells the super administrators that an export was requested (R3a).
func (m *Mailer) holdNotice(ctx context.Context, mail export.Mail, e *export.Export) error {
	return m.Sender.SendHoldNotice(ctx, HoldNotice{To: mail.To, MessageID: mail.MessageID, Domain: e.Domain, ExportID: e.ID,
		RequestedBy: e.RequestedBy, RequestedAt: e.RequestedAt, StartsAt: e.HoldEnd})
}

// cancelled tells them that it was cancelled (R3c, R3d).
func (m *Mailer) cancelled(ctx context.Context, mail export.Mail, e *export.Export) error {
	by := e.CancelledBy
	if by == "orgexport" {
		by = ""
	}
	return m.Sender.SendCancellation(ctx, Cancellation{To: mail.To, MessageID: mail.MessageID, Domain: e.Domain, ExportID: e.ID,
		RequestedBy: e.RequestedBy, RequestedAt: e.RequestedAt, CancelledBy: by, CancelledAt: e.CancelledAt,
		Reason: e.CancelNote})
}

// completed tells the requester that it is done (R11).
func (m *Mailer) completed(ctx context.Context, mail export.Mail, e *export.Export) error {
	t := e.Totals
	to := e.RequestedBy
	if len(mail.To) > 0 {
		to = mail.To[0]
	}
	return m.Sender.SendCompletion(ctx, Completion{To: to, MessageID: mail.MessageID, Domain: e.Domain, ExportID: e.ID,
		State: e.State, RequestedAt: e.RequestedAt, StartedAt: e.StartedAt, FinishedAt: e.CompletedAt, ExpiresAt: e.Expires,
		Totals: Totals{Accounts: t.Accounts, AccountsWithErrors: t.AccountsFailed, Exported: t.Files,
			Failed: t.FailedItems, Unsupported: len(e.Unsupported), Deleted: t.Deleted},
		ArchivePrefix: strings.TrimSuffix(e.Prefix, "/"), Retry: e.Retry, RetryOf: e.Parent})
}
