package report

import (
	"cmp"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
)

// Version is the version of report.json's format; it is written as the
// document's "version" field.
const Version = 1

// Export is the export's metadata (R9a). A zero time means "not yet" and is
// shown as such.
type Export struct {
	CustomerID  string
	Domain      string
	ExportID    string
	RequestedBy string // the requesting admin's email
	RequestedAt time.Time
	HoldEnd     time.Time // when exporting starts (R3a)
	CutOff      time.Time // accounts created after this are not exported (R4)
	StartedAt   time.Time
	FinishedAt  time.Time
	State       export.State
	// Retry is, for a retry of what failed (R16), its number, and RetryOf
	// the original export's id; zero for a full export.
	Retry   int
	RetryOf string
}

// ProductCount is how many items of one product an account exported and
// how many failed.
type ProductCount struct {
	Product  export.Product
	Exported int64
	Failed   int64
	// Unsupported marks a product of the account that cannot be exported
	// at all (R7b); the report's list of unsupported data says why.
	Unsupported bool
}

// Account is one exported account (R6, R9b).
type Account struct {
	Type export.AccountType
	// ID is the user name, group name, resource id or service account id.
	// It names the account's folder and orders the report.
	ID string
	// Name is the display name people know the account by (a shared
	// drive's, a space's or a resource's name), shown beside the id; empty
	// when it is the id.
	Name string
	// Suspended marks a user account suspended in the Directory: Google
	// refuses to read its data, so its products are not available (R7b);
	// the report says "suspended" beside it.
	Suspended bool
	// Parts are the account's zip parts, as object names relative to the
	// export's root ("users/alice@example.com/alice@example.com-001.zip").
	Parts []string
	// Products holds the account's counts, one entry per product.
	Products []ProductCount
	// Errors are account-level errors ("Gmail: quota exhausted"), shown
	// beside the failed items.
	Errors []string
	// Failures yields the account's failed items. It is called once per
	// output written, only for accounts with errors; nil means none. An
	// error it yields stops the write and is returned.
	Failures iter.Seq2[connector.Failure, error]
	// DeletedItems counts, in a retry (R16), the items deleted since the
	// export (listed among Failures, marked deleted); Retried says how the
	// retry exported each product again (export.Retried…).
	DeletedItems int64
	Retried      map[export.Product]string
}

// Unsupported lists the account's products that cannot be exported at all.
func (a *Account) Unsupported() []export.Product {
	var out []export.Product
	for _, p := range a.Products {
		if p.Unsupported {
			out = append(out, p.Product)
		}
	}
	return out
}

// Exported is the number of items the account exported.
func (a *Account) Exported() int64 {
	var n int64
	for _, p := range a.Products {
		n += p.Exported
	}
	return n
}

// Failed is the number of items that failed.
func (a *Account) Failed() int64 {
	var n int64
	for _, p := range a.Products {
		n += p.Failed
	}
	return n
}

// Deleted is the number of items a retry found deleted since the export.
func (a *Account) Deleted() int64 { return a.DeletedItems }

// HasErrors reports whether the account belongs in the list of accounts
// with errors: an item failed or the account has an account-level error,
// or, in a retry, items were deleted since the export (they are listed).
func (a *Account) HasErrors() bool { return a.Failed() > 0 || len(a.Errors) > 0 || a.Deleted() > 0 }

// Unsupported is a product or data type that could not be exported (R7b).
type Unsupported struct {
	Product  export.Product
	DataType string // empty when the whole product is unsupported
	Reason   string
	// Account and AccountName name the one account it concerns, if any (a
	// chat space nobody can read), by id and display name.
	Account, AccountName string
}

// Input is everything a report shows.
type Input struct {
	Export      Export
	Unsupported []Unsupported
	// Accounts yields every account of the export, in any order.
	Accounts iter.Seq2[Account, error]
	// Retries are an original export's retries of what failed (R16).
	Retries []Retry
}

// Report is a built report, ready to be written as HTML and JSON.
type Report struct {
	export        Export
	unsupported   []Unsupported
	withErrors    []Account
	withoutErrors []Account
	totals        Totals
	retries       []Retry
}

// Build reads in's accounts, sorts them and computes the totals. Failed
// items are not read until the report is written.
func Build(in Input) (*Report, error) {
	r := &Report{export: in.Export, unsupported: slices.Clone(in.Unsupported), retries: slices.Clone(in.Retries)}
	if in.Accounts != nil {
		for a, err := range in.Accounts {
			if err != nil {
				return nil, fmt.Errorf("report: reading accounts: %w", err)
			}
			if err := checkAccount(&a); err != nil {
				return nil, err
			}
			a.Products = withUnsupported(a, r.unsupported)
			if a.HasErrors() {
				r.withErrors = append(r.withErrors, a)
			} else {
				r.withoutErrors = append(r.withoutErrors, a)
			}
		}
	}
	slices.SortFunc(r.withErrors, compareAccounts)
	slices.SortFunc(r.withoutErrors, compareAccounts)
	slices.SortStableFunc(r.unsupported, func(a, b Unsupported) int {
		return cmp.Or(cmp.Compare(productRank(a.Product), productRank(b.Product)),
			strings.Compare(string(a.Product), string(b.Product)),
			strings.Compare(a.DataType, b.DataType))
	})
	r.totals = computeTotals(r.withErrors, r.withoutErrors)
	return r, nil
}

// userData are the products whose data belongs to users: when one is
// unsupported, every user account's summary has a row saying so (R7b).
var userData = []export.Product{export.Voice, export.Chrome, export.Reminders}

// withUnsupported adds a row for each unsupported user product to a user
// account's product counts.
func withUnsupported(a Account, us []Unsupported) []ProductCount {
	if a.Type != export.User {
		return a.Products
	}
	out := a.Products
	for _, u := range us {
		if !slices.Contains(userData, u.Product) ||
			slices.ContainsFunc(out, func(p ProductCount) bool { return p.Product == u.Product }) {
			continue
		}
		out = append(slices.Clip(out), ProductCount{Product: u.Product, Unsupported: true})
	}
	return out
}

// compareAccounts orders accounts by id, case-insensitively first, so the
// order is stable and the same under every locale.
func compareAccounts(a, b Account) int {
	return cmp.Or(strings.Compare(strings.ToLower(a.ID), strings.ToLower(b.ID)),
		strings.Compare(a.ID, b.ID),
		strings.Compare(string(a.Type), string(b.Type)))
}

var errBadAccount = errors.New("report: bad account")

// checkAccount rejects what would make a broken or unsafe link.
func checkAccount(a *Account) error {
	if a.ID == "" {
		return fmt.Errorf("%w: empty id (type %q)", errBadAccount, a.Type)
	}
	for _, p := range a.Parts {
		if !validPart(p) {
			return fmt.Errorf("%w: %s: part %q is not a relative object name", errBadAccount, a.ID, p)
		}
	}
	return nil
}

func validPart(p string) bool {
	if p == "" || strings.ContainsAny(p, "\\\x00") {
		return false
	}
	for seg := range strings.SplitSeq(p, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
	}
	return true
}

// productRank places the products of R7 in their report order and any other
// product after them.
func productRank(p export.Product) int {
	if i := slices.Index(export.Products, p); i >= 0 {
		return i
	}
	return len(export.Products)
}
