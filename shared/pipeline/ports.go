package pipeline

import (
	"context"
	"io"
	"iter"
	"time"

	"github.com/orgexport/orgexport/shared/blob"
	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
)

// Store is what the data plane needs of the records.
type Store interface {
	Export(ctx context.Context, cid, eid string) (*export.Export, error)
	Update(ctx context.Context, cid, eid string, fn func(e *export.Export) ([]export.AuditEntry, error)) (*export.Export, error)
	AddAccounts(ctx context.Context, cid, eid string, accts []export.Account) (int, error)
	Account(ctx context.Context, cid, eid, key string) (*export.Account, error)
	UpdateAccount(ctx context.Context, cid, eid, key string, fn func(a *export.Account) error) (*export.Account, error)
	// ClaimAccount reads the export and the account and lets fn decide in
	// one transaction, writing the account back when fn says so.
	ClaimAccount(ctx context.Context, cid, eid, key string, fn func(e *export.Export, a *export.Account) (bool, error)) (*export.Export, *export.Account, error)
	Accounts(ctx context.Context, cid, eid string) iter.Seq2[*export.Account, error]
	CountAccounts(ctx context.Context, cid, eid string, states ...export.AccountState) (int64, error)
	Unfinished(ctx context.Context, cid, eid string) (bool, error)
	CountAccountsWithFailedItems(ctx context.Context, cid, eid string) (int64, error)
}

// Bucket is the archive's storage (blob.Bucket's methods the data plane
// uses).
type Bucket interface {
	// NewWriter starts an upload; the object exists once Close returns nil,
	// and cancelling ctx abandons it. Writing a name again replaces it.
	NewWriter(ctx context.Context, name, contentType string) io.WriteCloser
	// NewWriterIf uploads only over the given generation of the object (0:
	// none), so a stale worker can never replace the object of the worker
	// that took its part over; Close fails with blob.ErrPrecondition.
	NewWriterIf(ctx context.Context, name, contentType string, generation int64) io.WriteCloser
	// NewWriterStamped is NewWriterIf of an object with Custom-Time stamp
	// from its creation.
	NewWriterStamped(ctx context.Context, name, contentType string, generation int64, stamp time.Time) io.WriteCloser
	// Attrs describes an object (blob.ErrNotExist when there is none).
	Attrs(ctx context.Context, name string) (blob.Attrs, error)
	NewReader(ctx context.Context, name string) (io.ReadCloser, error)
	// List yields the objects under prefix with their sizes and checksums.
	List(ctx context.Context, prefix string) iter.Seq2[blob.Attrs, error]
	// SetCustomTime stamps an object with the time retention counts from.
	SetCustomTime(ctx context.Context, name string, t time.Time) error
}

// Archive deletes an export's objects (a cancelled export's, see Purge).
type Archive interface {
	DeletePrefix(ctx context.Context, prefix string) (int, error)
}

// Listed is an account found in the Directory.
type Listed struct {
	Account connector.Account
	// Created is when a user account was created; zero for other types.
	Created time.Time
}

// Directory lists an organisation's accounts, a page at a time.
type Directory interface {
	// Accounts lists one page of accounts of the kind, read as admin, after
	// cursor; next is "" after the last page.
	Accounts(ctx context.Context, kind Kind, domain, admin, cursor string) (page []Listed, next string, err error)
}

// Kind is a kind of account BeginExport lists, in order.
type Kind int

// Kinds of account.
const (
	Users Kind = iota
	Groups
	SharedDrives
	CalendarResources
	// ChatSpaces are the named Chat spaces created by the organisation's
	// users (customer-owned data, R6).
	ChatSpaces
	// Vault is the organisation's Google Vault: one customer-owned account
	// for the data only Vault returns.
	Vault
	numKinds
)

func (k Kind) String() string {
	return [...]string{"users", "groups", "shared drives", "calendar resources", "chat spaces", "vault"}[k]
}

// Enqueuer creates Cloud Tasks.
type Enqueuer interface {
	Enqueue(ctx context.Context, t export.Task) error
}

// Publisher publishes export events.
type Publisher interface {
	AccountFinished(ctx context.Context, cid, eid, key string) error
	AccountsFinished(ctx context.Context, cid, eid string) error
}

// Requesters checks R3c before each phase: it cancels e, and emails the
// other super administrators, if its requester is no longer one.
type Requesters interface {
	CancelIfRequesterLost(ctx context.Context, e *export.Export) (bool, error)
}

// Outbox sends the emails an export has queued (the completion email, R11)
// and records those the mail server accepted.
type Outbox interface {
	Flush(ctx context.Context, e *export.Export) error
}
