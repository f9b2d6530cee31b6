package control

import (
	"context"
	"iter"
	"time"

	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/store"
	"github.com/orgexport/orgexport/shared/taskqueue"
)

// Store is what the control plane needs of the records.
type Store interface {
	Organisation(ctx context.Context, cid string) (export.Organisation, error)
	Start(ctx context.Context, e *export.Export, audit export.AuditEntry, now time.Time) error
	Export(ctx context.Context, cid, eid string) (*export.Export, error)
	Exports(ctx context.Context, cid string, limit int) ([]*export.Export, error)
	Update(ctx context.Context, cid, eid string, fn func(e *export.Export) (store.Change, error)) (*export.Export, error)
	UpdateOrganisation(ctx context.Context, cid string, fn func(o *export.Organisation) (store.Change, error)) (export.Organisation, error)
	Audit(ctx context.Context, cid string, limit int) ([]export.AuditEntry, error)
	AppendAudit(ctx context.Context, cid string, entries ...export.AuditEntry) error
	SumAccounts(ctx context.Context, cid, eid string) (store.AccountSums, error)
	ExportsDue(ctx context.Context, state export.State, field string, t time.Time) ([]*export.Export, error)
	RecordSend(ctx context.Context, cid, eid, kind string, now time.Time) (bool, error)
	ForgetSend(ctx context.Context, cid, eid, kind string) error
	StuckAccounts(ctx context.Context, cid, eid string, t time.Time) iter.Seq2[*export.Account, error]
	UnfinishedAccounts(ctx context.Context, cid, eid string) iter.Seq2[*export.Account, error]
	Accounts(ctx context.Context, cid, eid string) iter.Seq2[*export.Account, error]
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

// Mailer sends the control plane's emails. Each send is recorded before it
// is made, so a retry sends nothing twice.
type Mailer interface {
	HoldNotice(ctx context.Context, to []string, e *export.Export) error
	Cancelled(ctx context.Context, to []string, e *export.Export) error
}

// Enqueuer creates Cloud Tasks.
type Enqueuer interface {
	Enqueue(ctx context.Context, t taskqueue.Task) error
}

// Events publishes export events (to AssembleReport).
type Events interface {
	AccountsFinished(ctx context.Context, cid, eid string) error
}

// Archive deletes an export's objects when its retention ends.
type Archive interface {
	DeletePrefix(ctx context.Context, prefix string) (int, error)
}
