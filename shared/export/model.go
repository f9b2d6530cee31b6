package export

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Organisation is an organisation's record: its one-export lock (R2a), cool-down
// (R2b) and support override (R14b).
type Organisation struct {
	ID     string `firestore:"id"`
	Domain string `firestore:"domain"`
	// ActiveExport is the id of the export on hold, running or assembling;
	// empty when there is none. Set and cleared only in transactions.
	ActiveExport string    `firestore:"activeExport"`
	CooldownEnd  time.Time `firestore:"cooldownEnd,omitempty"`
	// OverrideUntil enables the tool for an organisation of 1,000 users or
	// more until then (R14b).
	OverrideUntil time.Time `firestore:"overrideUntil,omitempty"`
	OverrideBy    string    `firestore:"overrideBy,omitempty"`
}

// Export is one export of an organisation.
type Export struct {
	ID          string `firestore:"id"`
	CustomerID  string `firestore:"customerId"`
	Domain      string `firestore:"domain"`
	State       State  `firestore:"state"`
	RequestedBy string `firestore:"requestedBy"`
	// SuperAdmins are the super administrators when it was requested, who
	// were told of it (R3a).
	SuperAdmins []string  `firestore:"superAdmins"`
	RequestedAt time.Time `firestore:"requestedAt"`
	HoldEnd     time.Time `firestore:"holdEnd"`
	CutOff      time.Time `firestore:"cutOff,omitempty"`
	StartedAt   time.Time `firestore:"startedAt,omitempty"`
	Deadline    time.Time `firestore:"deadline,omitempty"`
	CompletedAt time.Time `firestore:"completedAt,omitempty"`
	// FinishedAt is when every account was final, fixed once as the export
	// became ASSEMBLING: the report's finish time and the archive's
	// completion time, so that deliveries assembling at once, or again,
	// write the same bytes and stamp the same retention time.
	FinishedAt time.Time `firestore:"finishedAt,omitempty"`
	// AssemblingUntil is when the assembly lease of the delivery writing
	// the report lapses (see ClaimAssembly).
	AssemblingUntil time.Time `firestore:"assemblingUntil,omitempty"`
	Expires         time.Time `firestore:"expires,omitempty"`
	// PurgeAt is when Firestore's TTL may delete the record: a year after
	// the archive expired, so the record shows EXPIRED meanwhile (R12).
	PurgeAt     time.Time `firestore:"purgeAt,omitempty"`
	CancelledAt time.Time `firestore:"cancelledAt,omitempty"`
	CancelledBy string    `firestore:"cancelledBy,omitempty"`
	CancelNote  string    `firestore:"cancelNote,omitempty"`
	// DataDeletedAt is when a cancelled export's objects were all deleted
	// by its purge task; PurgeFrom is the earliest the purge may finish:
	// when the leases of the workers it stopped have lapsed, so none of
	// them can still be uploading.
	DataDeletedAt time.Time `firestore:"dataDeletedAt,omitempty"`
	PurgeFrom     time.Time `firestore:"purgeFrom,omitempty"`
	// Prefix is the export's folder in the bucket: "{customer}/{export}/".
	Prefix string `firestore:"prefix"`
	// Enumeration is BeginExport's checkpoint while it lists accounts.
	Enumeration Enumeration   `firestore:"enumeration"`
	Totals      Totals        `firestore:"totals"`
	Unsupported []Unsupported `firestore:"unsupported,omitempty"`
	// Outbox holds the export's emails (see Mail); MailPending says one is
	// not sent yet, for Housekeeping's query.
	Outbox      []Mail `firestore:"outbox,omitempty"`
	MailPending bool   `firestore:"mailPending"`

	// Kind is "" for a full export and KindRetry for a remediation export
	// of what failed (R16); Parent is a retry's original export, Source
	// the export whose failures it retries (the original, or the retry
	// before it), and Retry its number N (its folder is "retry-N/").
	Kind   string `firestore:"kind,omitempty"`
	Parent string `firestore:"parent,omitempty"`
	Source string `firestore:"source,omitempty"`
	Retry  int    `firestore:"retry,omitempty"`
	// Retries are an original export's retries, in order (R16).
	Retries []RetryRef `firestore:"retries,omitempty"`
	// Estimate is what the usage reports predicted when it was requested
	// (nil when they were not available); time left is reckoned against it.
	Estimate *Estimate `firestore:"estimate,omitempty"`
}

// Enumeration is how far BeginExport has listed the organisation's accounts.
type Enumeration struct {
	Phase    int    `firestore:"phase"`    // index into the kinds of account listed
	Cursor   string `firestore:"cursor"`   // page token within the phase
	Done     bool   `firestore:"done"`     // every account is recorded and enqueued
	Accounts int    `firestore:"accounts"` // accounts recorded so far
	Skipped  int    `firestore:"skipped"`  // users created after the cut-off
}

// Totals are an export's counts, filled when it is assembled.
type Totals struct {
	Accounts       int   `firestore:"accounts" json:"accounts"`
	AccountsFailed int   `firestore:"accountsFailed" json:"accounts_failed"`
	Files          int64 `firestore:"files" json:"files"`
	FailedItems    int64 `firestore:"failedItems" json:"failed_items"`
	Bytes          int64 `firestore:"bytes" json:"bytes"`
	// Deleted counts, in a retry, the items deleted since the export.
	Deleted int64 `firestore:"deleted,omitempty" json:"deleted,omitempty"`
}

// Unsupported is a product or data type that could not be exported (R7b).
type Unsupported struct {
	Product Product `firestore:"product" json:"product"`
	Scope   string  `firestore:"scope" json:"scope"` // what it covers, e.g. "Voice organisation data"
	Reason  string  `firestore:"reason" json:"reason"`
	// Account and AccountName name the one customer-owned account it
	// concerns, if any, by its stable id and its display name.
	Account     string `firestore:"account,omitempty" json:"account,omitempty"`
	AccountName string `firestore:"accountName,omitempty" json:"account_name,omitempty"`
}

// Account is one exported unit of an export (R6).
type Account struct {
	Key     string      `firestore:"key"` // document id: see AccountKey
	Type    AccountType `firestore:"type"`
	ID      string      `firestore:"id"` // email, drive id, resource id, service account id
	Name    string      `firestore:"name,omitempty"`
	Kind    string      `firestore:"kind,omitempty"`
	Subject string      `firestore:"subject"` // who is impersonated to read it
	// Suspended marks a user account suspended in the Directory when the
	// accounts were listed: Google refuses delegated reads of it, so its
	// products are listed as not available (R7b) rather than tried.
	Suspended bool         `firestore:"suspended,omitempty"`
	State     AccountState `firestore:"state"`
	// Products are the per-product counts, by product name.
	Products map[string]ProductCount `firestore:"products"`
	Parts    []Part                  `firestore:"parts"`
	// Resume is where the next invocation carries on.
	Resume Resume `firestore:"resume"`
	// Files, FailedItems and Bytes total the products, for progress.
	Files       int64 `firestore:"files"`
	FailedItems int64 `firestore:"failedItems"`
	Bytes       int64 `firestore:"bytes"`
	// Attempts counts the claims of the account's parts; the latest is the
	// fencing token of the worker that holds the lease (see Claim).
	Attempts int `firestore:"attempts"`
	// Heartbeat is the last claim or renewal of the lease; LeaseUntil is
	// when the lease lapses without renewal.
	Heartbeat  time.Time `firestore:"heartbeat,omitempty"`
	LeaseUntil time.Time `firestore:"leaseUntil,omitempty"`
	LastError  string    `firestore:"lastError,omitempty"`
	// FailureObjects are the NDJSON objects listing failed items, one per
	// part that had failures, relative to the export's prefix.
	FailureObjects []string `firestore:"failureObjects,omitempty"`
	// RetryOf is, in a retry (R16), what of the account is exported
	// again; nil in a full export.
	RetryOf *RetryPlan `firestore:"retryOf,omitempty"`
	// Deleted counts, in a retry, the items asked for by id that no longer
	// exist: listed as deleted since the export, not as failures.
	Deleted int64 `firestore:"deleted,omitempty"`
}

// ProductCount counts one product's items of an account.
type ProductCount struct {
	Files  int64  `firestore:"files" json:"files"`
	Failed int64  `firestore:"failed" json:"failed"`
	Bytes  int64  `firestore:"bytes" json:"bytes"`
	Note   string `firestore:"note,omitempty" json:"note,omitempty"`
	// Deleted counts items asked for again by a retry that no longer exist.
	Deleted int64 `firestore:"deleted,omitempty" json:"deleted,omitempty"`
	// Retried says, in a retry, how the product was exported again: one
	// of the Retried… constants.
	Retried string `firestore:"retried,omitempty" json:"retried,omitempty"`
}

// Part is one finished zip part of an account.
type Part struct {
	Name   string `firestore:"name" json:"name"` // object name relative to the export's prefix
	Size   int64  `firestore:"size" json:"size"`
	SHA256 string `firestore:"sha256" json:"sha256"`
	MD5    string `firestore:"md5" json:"md5"`
	CRC32C uint32 `firestore:"crc32c" json:"crc32c"`
}

// Resume is an account's checkpoint: the next part to write and where its
// products stand.
type Resume struct {
	NextPart int `firestore:"nextPart"` // from 1
	// ProductName is the product to carry on with: a name, not a place in
	// a list, so a checkpoint survives a deploy that adds or removes
	// connectors. Product is its place among the account's connectors,
	// written alongside and read only from records that have no name (an
	// earlier version's).
	ProductName Product `firestore:"productName,omitempty"`
	Product     int     `firestore:"product"`
	Cursor      string  `firestore:"cursor"` // the product's own cursor
}

// At is the checkpoint that carries on with the i-th of products.
func At(nextPart int, products []Product, i int, cursor string) Resume {
	r := Resume{NextPart: nextPart, Product: i, Cursor: cursor}
	if i < len(products) {
		r.ProductName = products[i]
	}
	return r
}

// Position is where among products (the account's connectors in this
// version, in order) the checkpoint carries on, and the cursor to carry on
// with. gone names a product the checkpoint was in that this version no
// longer has: the caller reports its remaining items, and carries on at
// the same place in the list without its cursor.
func (r Resume) Position(products []Product) (i int, cursor string, gone Product) {
	if r.ProductName == "" { // an earlier version's checkpoint: its index, once
		return r.Product, r.Cursor, ""
	}
	for i, p := range products {
		if p == r.ProductName {
			return i, r.Cursor, ""
		}
	}
	return min(r.Product, len(products)), "", r.ProductName
}

// AccountKey is the document id and task-name component of an account: a
// hash, because ids may hold characters neither allows.
func AccountKey(t AccountType, id string) string {
	h := sha256.Sum256([]byte(string(t) + "\x00" + id))
	return string(t) + "-" + hex.EncodeToString(h[:12])
}

// AuditEntry records who did what, when (R15).
type AuditEntry struct {
	At       time.Time      `firestore:"at" json:"at"`
	Actor    string         `firestore:"actor" json:"actor"`
	Action   string         `firestore:"action" json:"action"`
	ExportID string         `firestore:"exportId,omitempty" json:"export_id,omitempty"`
	Detail   map[string]any `firestore:"detail,omitempty" json:"detail,omitempty"`
}

// Audit actions.
const (
	ActionStart        = "export.start"
	ActionStartRefused = "export.start_refused"
	ActionCancel       = "export.cancel"
	ActionHoldEnd      = "export.hold_end"
	ActionComplete     = "export.complete"
	ActionExpire       = "export.expire"
	ActionDeadline     = "export.deadline"
	ActionReset        = "support.reset_cooldown"
	ActionOverride     = "support.override"
	ActionRemediate    = "export.remediate" // a retry of what failed requested (R16)
	ActionRetryRefused = "export.remediate_refused"
	ActionPurge        = "export.purge" // a cancelled export's objects deleted
)
