package export

import (
	"slices"
	"strings"
)

// Breakdown is a running export's progress as the console shows it: the
// accounts of each type and how many are final, the files and failed
// items of each product, and the accounts with errors (a few of them, and
// how many there are). The store computes it with aggregation queries, so
// reading it costs the same however many accounts the export has.
type Breakdown struct {
	ByType    map[AccountType]TypeCount
	ByProduct map[Product]ProductSums
	// Files, Failed and Bytes total the accounts' files, failed items and
	// bytes written.
	Files, Failed, Bytes int64
	// Errors are at most MaxListedErrors accounts with errors, by id.
	Errors []Account
	// WithErrors counts every account with errors.
	WithErrors int64
}

// TypeCount counts the accounts of one type.
type TypeCount struct{ Total, Final int64 }

// ProductSums total one product over the accounts.
type ProductSums struct{ Files, Failed int64 }

// MaxListedErrors bounds the accounts with errors a Breakdown lists.
const MaxListedErrors = 50

// FinalAccountStates are the states an account does not leave.
var FinalAccountStates = []AccountState{AccountDone, AccountFailed, AccountCancelled}

// HasErrors reports whether an account is listed among those with errors:
// it failed, or items of it did.
func (a *Account) HasErrors() bool { return a.FailedItems > 0 || a.State == AccountFailed }

// Add counts one account into b, as the store's aggregations would: the
// reference for them, and what a fake store uses.
func (b *Breakdown) Add(a *Account) {
	if b.ByType == nil {
		b.ByType, b.ByProduct = map[AccountType]TypeCount{}, map[Product]ProductSums{}
	}
	tc := b.ByType[a.Type]
	tc.Total++
	if slices.Contains(FinalAccountStates, a.State) {
		tc.Final++
	}
	b.ByType[a.Type] = tc
	b.Files, b.Failed, b.Bytes = b.Files+a.Files, b.Failed+a.FailedItems, b.Bytes+a.Bytes
	for name, pc := range a.Products {
		ps := b.ByProduct[Product(name)]
		ps.Files, ps.Failed = ps.Files+pc.Files, ps.Failed+pc.Failed
		b.ByProduct[Product(name)] = ps
	}
	if a.HasErrors() {
		b.WithErrors++
		b.Errors = append(b.Errors, *a)
		slices.SortFunc(b.Errors, func(x, y Account) int { return strings.Compare(x.ID, y.ID) })
		if len(b.Errors) > MaxListedErrors {
			b.Errors = b.Errors[:MaxListedErrors]
		}
	}
}
