package connector

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/orgexport/orgexport/shared/export"
)

// ErrCut is returned by Emitter.Checkpoint when the pipeline ends the part
// at that cursor. A connector returns it (or an error wrapping it) unchanged.
var ErrCut = errors.New("part cut at checkpoint")

// ErrUnsupported marks a product that cannot be exported for an account or
// organisation; its message says why (R7b). Wrap it with the reason.
var ErrUnsupported = errors.New("unsupported")

// NotAuthorised is an error saying the organisation has not authorised
// orgexport to read a product at all: domain-wide delegation lacks a scope
// the product's API needs. Adapters' errors implement it; a connector
// returns it wrapped, as any other error. It concerns every account, so the
// pipeline lists the product as unsupported for the organisation, with
// NotAuthorised's reason (which names the fix), and exports the other
// products (R7b).
type NotAuthorised interface {
	error
	NotAuthorised() string
}

// Account is the unit being exported (R6).
type Account struct {
	Type export.AccountType
	// ID is the account's id in the archive: the user's or group's primary
	// email, the shared drive or resource id, or the service account id.
	ID string
	// Subject is the user to impersonate through domain-wide delegation
	// when reading this account's data: the user for user accounts, a super
	// administrator for customer-owned data and groups.
	Subject string
	// Name is a display name (a shared drive's or resource's), if any.
	Name string
	// Kind distinguishes customer-owned accounts: "shared-drive",
	// "calendar-resource", "chat-space", "vault".
	Kind string
	// ExportID is the export the account is part of. Connectors that make
	// something in the organisation for the export (a Vault matter) name
	// it after the export, so a retry finds it again.
	ExportID string
	// Suspended marks a user account the Directory lists as suspended.
	// Google refuses delegated reads of a suspended account (Gmail lists
	// the messages and refuses each; other APIs refuse every call), so
	// the pipeline does not run the user's connectors for it: each product
	// is listed once as not available (SuspendedReason).
	Suspended bool
	// CutOff is the export's cut-off (R4): accounts created after it are
	// not exported, and a search over the whole organisation (Vault) is
	// limited to data dated before it. Zero means none.
	CutOff time.Time
}

// Content tells the zip writer how to store an entry.
type Content int

// Content kinds.
const (
	// Compressible content is deflated.
	Compressible Content = iota
	// Compressed content (JPEG, zip, video, …) is stored as it is.
	Compressed
)

// Failure is one item that could not be exported.
type Failure struct {
	Product export.Product `json:"product"`
	ItemID  string         `json:"item_id"`
	// Path is where the item would have been in the zip, if known.
	Path   string `json:"path,omitempty"`
	Reason string `json:"reason"`
	// Deleted marks an item asked for by id (ItemExporter) that no longer
	// exists: it was deleted since the export. It is listed as such, and
	// not counted as a failure (R16).
	Deleted bool `json:"deleted,omitempty"`
}

// DeletedReason is the reason of a Failure that is Deleted.
const DeletedReason = "deleted since the export"

// Gone is the record of an item asked for by id that no longer exists.
func Gone(p export.Product, id, path string) Failure {
	return Failure{Product: p, ItemID: id, Path: path, Reason: DeletedReason, Deleted: true}
}

// Entry is one file in the account's zip.
type Entry struct {
	// Path is slash-separated and starts with the product's Takeout folder
	// ("Mail/…", "Drive/…"); each segment must already be sanitised (see
	// package zipname), and the emitter rejects a path that is not.
	Path     string
	Modified time.Time
	Content  Content
	// ItemID is the source item the entry holds (a Drive file id), if it
	// holds exactly one. Entries holding many items (an mbox, a calendar's
	// .ics) leave it empty and record each item with Emitter.Item.
	ItemID string
	// Note says, in the item index, how the item was fetched when that is
	// worth knowing ("downloaded with acknowledgeAbuse=true").
	Note string
}

// Emitter is what a connector writes into. Besides the zip entries it keeps
// the account's item index: which source item went into which entry, so an
// export can be checked against its source.
type Emitter interface {
	// Create adds a file and returns a writer for its content, valid until
	// the next call of Create, a Checkpoint that cuts the part, or the end
	// of Export. A checkpoint that does not cut leaves the file open, so one
	// long file (an mbox) can span many checkpoints.
	Create(e Entry) (io.Writer, error)
	// Item records that the current entry holds the source item id (a mail
	// message, a calendar event, a contact).
	Item(id string)
	// Fail records an item that could not be exported (or, with
	// Failure.Deleted, an item asked for by id that no longer exists:
	// listed, not counted as failed). When the open file
	// holds exactly that item (its Entry.ItemID is f.ItemID), the file is
	// left out, so a connector streaming an item calls Create first and
	// Fail if the copy breaks off.
	Fail(f Failure)
	// Checkpoint says everything up to cursor is written. It returns ErrCut
	// if the pipeline ends the part here.
	Checkpoint(ctx context.Context, cursor string) error
	// Part is the number of the zip part being written, from 1; a connector
	// that splits one logical file over parts (an mbox) names the
	// continuation after it.
	Part() int
}

// Connector exports one product.
type Connector interface {
	Product() export.Product
	// Handles reports whether the connector has anything to export for
	// accounts of this type (and Kind).
	Handles(a Account) bool
	// Export writes a's items after cursor ("" for the start) to e. It
	// returns nil when the product is done, ErrCut when the part was cut,
	// an error wrapping ErrUnsupported when the product cannot be exported
	// for this account, or another error when the whole product failed
	// (the pipeline records it, with its message, for every remaining item).
	Export(ctx context.Context, a Account, cursor string, e Emitter) error
}

// ItemExporter is a connector that can export some items of an account by
// id, beside everything (Export): a retry of what failed (R16) fetches
// exactly the items that failed again. ids are the product's item ids as
// the connector reported them in Failure.ItemID, in any order. Each is
// written, as Export would have written it (the same path), or failed
// with a reason, or, when it no longer exists, recorded with Gone. The
// cursor and ErrCut work as in Export. A connector without it is run
// again whole for the account.
type ItemExporter interface {
	ExportItems(ctx context.Context, a Account, ids []string, cursor string, e Emitter) error
}

// Whole is a connector whose items cannot meaningfully be fetched again
// one by one; Whole says why, in words for the code's readers. A retry
// (R16) runs it again whole for the account, as it runs any connector
// that is no ItemExporter. Every connector is one or the other (the
// conformance suite checks it).
type Whole interface {
	Whole() string
}

// Discarder is a connector that makes something in the organisation while
// it exports an account (a Vault matter holding copies of the data).
// Discard removes it when the account will not finish because its export
// was cancelled or failed; it is safe to call again, and when nothing was
// made.
type Discarder interface {
	Discard(ctx context.Context, a Account) error
}
