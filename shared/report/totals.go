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
	// Deleted counts, in a retry, the items deleted since the export.
	Deleted int64
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

// totaler sums accounts into Totals.
type totaler struct {
	t         Totals
	byProduct map[export.Product]*ProductCount
	byType    map[export.AccountType]*TypeTotal
}

func computeTotals(withErrors, withoutErrors []Account) Totals {
	s := totaler{byProduct: map[export.Product]*ProductCount{}, byType: map[export.AccountType]*TypeTotal{}}
	for _, typ := range export.AccountTypes {
		s.byType[typ] = &TypeTotal{Type: typ}
	}
	for i := range withErrors {
		s.add(&withErrors[i], true)
	}
	for i := range withoutErrors {
		s.add(&withoutErrors[i], false)
	}
	return s.totals()
}

func (s *totaler) add(a *Account, hasErrors bool) {
	tt := s.byType[a.Type]
	if tt == nil {
		tt = &TypeTotal{Type: a.Type}
		s.byType[a.Type] = tt
	}
	s.t.Accounts++
	s.t.Deleted += a.Deleted()
	tt.Accounts++
	if hasErrors {
		s.t.AccountsWithErrors++
		tt.AccountsWithErrors++
	}
	for _, p := range a.Products {
		if p.Unsupported {
			continue
		}
		pc := s.byProduct[p.Product]
		if pc == nil {
			pc = &ProductCount{Product: p.Product}
			s.byProduct[p.Product] = pc
		}
		pc.Exported += p.Exported
		pc.Failed += p.Failed
		tt.Exported += p.Exported
		tt.Failed += p.Failed
		s.t.Exported += p.Exported
		s.t.Failed += p.Failed
	}
}

// totals lists products and types in report order.
func (s *totaler) totals() Totals {
	t := s.t
	for _, pc := range s.byProduct {
		t.ByProduct = append(t.ByProduct, *pc)
	}
	slices.SortFunc(t.ByProduct, func(a, b ProductCount) int {
		return cmp.Or(cmp.Compare(productRank(a.Product), productRank(b.Product)),
			strings.Compare(string(a.Product), string(b.Product)))
	})
	for _, tt := range s.byType {
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
