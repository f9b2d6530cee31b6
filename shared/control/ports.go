package control

import (
	"context"
	"iter"
	"time"

	"github.com/orgexport/orgexport/shared/export"
)

// Records is what the admins' API needs of the records.
type Records interface {
	Organisation(ctx context.Context, cid string) (export.Organisation, error)
	// Start records e if R2 allows (export.Organisation.Admit), or returns
	// export.ActiveError or export.CooldownError.
	Start(ctx context.Context, e *export.Export, audit export.AuditEntry, now time.Time) error
	Export(ctx context.Context, cid, eid string) (*export.Export, error)
	Exports(ctx context.Context, cid string, limit int) ([]*export.Export, error)
	// Update changes an export in one transaction with the audit entries
	// fn returns, enforcing export.State.CanMove.
	Update(ctx context.Context, cid, eid string, fn func(e *export.Export) ([]export.AuditEntry, error)) (*export.Export, error)
	// StartRetry reads export eid and its latest retry, lets decide rule
	// on a retry and build it, and records it with the audit entries, in
	// one transaction (R16).
	StartRetry(ctx context.Context, cid, eid string, decide func(orig, latest *export.Export) (*export.Export, []export.AuditEntry, error)) (*export.Export, error)
	Audit(ctx context.Context, cid string, limit int) ([]export.AuditEntry, error)
	AppendAudit(ctx context.Context, cid string, entries ...export.AuditEntry) error
	SumAccounts(ctx context.Context, cid, eid string) (export.Sums, error)
	// Breakdown is an export's progress by account type and product, with
	// a few of its accounts with errors, for the console (aggregations:
	// its cost does not grow with the accounts).
	Breakdown(ctx context.Context, cid, eid string) (export.Breakdown, error)
}

// Store is the records the control plane reads and changes.
type Store = Records

// Work is what Housekeeping needs of the records beyond Store: the exports
// due for something, and their accounts.
type Work interface {
	ExportsDue(ctx context.Context, state export.State, field string, t time.Time) ([]*export.Export, error)
	// ExportsWithMail lists the exports with an email not sent yet.
	ExportsWithMail(ctx context.Context) ([]*export.Export, error)
	StuckAccounts(ctx context.Context, cid, eid string, t time.Time) iter.Seq2[*export.Account, error]
	UnfinishedAccounts(ctx context.Context, cid, eid string) iter.Seq2[*export.Account, error]
	UpdateAccount(ctx context.Context, cid, eid, key string, fn func(a *export.Account) error) (*export.Account, error)
}

// Org is what the Directory says of an organisation.
type Org struct {
	CustomerID string
	Domain     string
	Created    time.Time
}

// Directory answers who someone is in their organisation.
type Directory interface {
	// Lookup finds email's organisation and what R1 needs to know of the
	// person. ErrUnknownUser when email is no user of an organisation.
	Lookup(ctx context.Context, email string) (Org, export.Requester, error)
	// CountUsers counts the organisation's users, read as asUser, up to
	// the limit of R1d.
	CountUsers(ctx context.Context, asUser string) (int, error)
	// SuperAdmins lists the organisation's super administrators.
	SuperAdmins(ctx context.Context, org Org, asUser string) ([]string, error)
}

// Outbox sends the emails an export has queued (export.Export.Queue) and
// records those the mail server accepted.
type Outbox interface {
	Flush(ctx context.Context, e *export.Export) error
}

// Enqueuer creates Cloud Tasks.
type Enqueuer interface {
	Enqueue(ctx context.Context, t export.Task) error
}

// Events publishes export events (to AssembleReport).
type Events interface {
	AccountsFinished(ctx context.Context, cid, eid string) error
}

// Archive deletes an export's objects when its retention ends.
type Archive interface {
	DeletePrefix(ctx context.Context, prefix string) (int, error)
}
