package report

import (
	"cmp"
	"slices"
	"strings"

	"github.com/orgexport/orgexport/shared/export"
)

// Totals sums an export's counts (R9a).
type Totals struct {
	Accounts           int
	AccountsWithErrors int
	Exported           int64
	Failed             int64
	// ByProduct has one entry per product that any account counted, in
	// the report order of export.Products.
	ByProduct []ProductCount
	// ByType has one entry per account type of export.AccountTypes, and
	// one per other type met.
	ByType []TypeTotal
}

// TypeTotal sums the accounts of one type.
type TypeTotal struct {
	Type               export.AccountType
	Accounts           int
	AccountsWithErrors int
	Exported           int64
	Failed             int64
}

// Totals returns the report's totals, for the completion email and the
// status API.
func (r *Report) Totals() Totals { return r.totals }

func computeTotals(withErrors, withoutErrors []Account) Totals {
	t := Totals{Accounts: len(withErrors) + len(withoutErrors), AccountsWithErrors: len(withErrors)}
	byProduct := map[export.Product]*ProductCount{}
	byType := map[export.AccountType]*TypeTotal{}
	for _, typ := range export.AccountTypes {
		byType[typ] = &TypeTotal{Type: typ}
	}
	add := func(a *Account, hasErrors bool) {
		tt := byType[a.Type]
		if tt == nil {
			tt = &TypeTotal{Type: a.Type}
			byType[a.Type] = tt
		}
		tt.Accounts++
		if hasErrors {
			tt.AccountsWithErrors++
		}
		for _, p := range a.Products {
			pc := byProduct[p.Product]
			if pc == nil {
				pc = &ProductCount{Product: p.Product}
				byProduct[p.Product] = pc
			}
			pc.Exported += p.Exported
			pc.Failed += p.Failed
			tt.Exported += p.Exported
			tt.Failed += p.Failed
			t.Exported += p.Exported
			t.Failed += p.Failed
		}
	}
	for i := range withErrors {
		add(&withErrors[i], true)
	}
	for i := range withoutErrors {
		add(&withoutErrors[i], false)
	}
	for _, pc := range byProduct {
		t.ByProduct = append(t.ByProduct, *pc)
	}
	slices.SortFunc(t.ByProduct, func(a, b ProductCount) int {
		return cmp.Or(cmp.Compare(productRank(a.Product), productRank(b.Product)),
			strings.Compare(string(a.Product), string(b.Product)))
	})
	for _, tt := range byType {
		t.ByType = append(t.ByType, *tt)
	}
	slices.SortFunc(t.ByType, func(a, b TypeTotal) int {
		return cmp.Or(cmp.Compare(typeRank(a.Type), typeRank(b.Type)),
			strings.Compare(string(a.Type), string(b.Type)))
	})
	return t
}

func typeRank(t export.AccountType) int {
	if i := slices.Index(export.AccountTypes, t); i >= 0 {
		return i
	}
	return len(export.AccountTypes)
}
