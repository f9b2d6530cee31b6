package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/zipname"
)

// reportAccount is an account of report.json (shared/report/report.schema.json).
type reportAccount struct {
	Type     export.AccountType `json:"type"`
	ID       string             `json:"id"`
	Parts    []string           `json:"parts"`
	Exported int64              `json:"exported"`
	Failed   int64              `json:"failed"`
	Products []reportCount      `json:"products"`
	Failures elementCount       `json:"failures"`
}

type reportCount struct {
	Product     export.Product `json:"product"`
	Exported    int64          `json:"exported"`
	Failed      int64          `json:"failed"`
	Unsupported bool           `json:"unsupported"`
}

type reportTotals struct {
	Accounts           int           `json:"accounts"`
	AccountsWithErrors int           `json:"accounts_with_errors"`
	Exported           int64         `json:"exported"`
	Failed             int64         `json:"failed"`
	ByProduct          []reportCount `json:"by_product"`
}

// elementCount decodes a list of failures into the number of failed
// items: those a retry found deleted since the export (R16) are listed,
// but are no failure.
type elementCount int64

func (c *elementCount) UnmarshalJSON(b []byte) error {
	var items []struct {
		Deleted bool `json:"deleted"`
	}
	if err := json.Unmarshal(b, &items); err != nil {
		return err
	}
	*c = 0
	for _, it := range items {
		if !it.Deleted {
			*c++
		}
	}
	return nil
}

// sums adds up the accounts of report.json, to compare with its totals.
type sums struct {
	accounts, withErrors int
	exported, failed     int64
	byProduct            map[export.Product][2]int64
}

// checkReport compares report.json of a root with the indexes and failure
// files of its accounts, and its totals with its accounts.
func (v *verifier) checkReport(r root) {
	rel := r.folder + "report.json"
	if !v.wanted(rel) {
		return
	}
	f, err := os.Open(v.path(rel))
	if err != nil {
		// A listed report that is missing is reported as missing; the
		// export's root must have one, a remediation folder may not.
		if !v.listed(rel) && r.folder == "" {
			v.problem(rel, "missing")
		}
		return
	}
	defer f.Close()
	listed := map[string]bool{}
	for _, o := range r.m.Objects {
		listed[o.Name] = true
	}
	seen := map[string]bool{}
	s := sums{byProduct: map[export.Product][2]int64{}}
	var totals *reportTotals
	err = readReport(f, func(t reportTotals) { totals = &t }, func(a reportAccount, withErrors bool) {
		folder := a.Type.Folder() + "/" + zipname.Sanitize(a.ID)
		seen[folder] = true
		s.add(a, withErrors)
		if v.wanted(r.folder + folder + "/x") {
			v.checkAccount(rel, r.folder, folder, a, withErrors, listed)
		}
	})
	if err != nil {
		v.problem(rel, "unreadable: %v", err)
		return
	}
	if totals == nil {
		v.problem(rel, "has no totals")
		return
	}
	v.checkTotals(rel, *totals, s)
	for key := range v.tallies {
		if rest, ok := strings.CutPrefix(key, r.folder); ok && rootOf(key) == r.folder && !seen[rest] && rest != "" {
			v.problem(rel, "does not list the account of folder %s", rest)
		}
	}
}

func (s *sums) add(a reportAccount, withErrors bool) {
	s.accounts++
	if withErrors {
		s.withErrors++
	}
	for _, p := range a.Products {
		if p.Unsupported {
			continue
		}
		c := s.byProduct[p.Product]
		c[0] += p.Exported
		c[1] += p.Failed
		s.byProduct[p.Product] = c
		s.exported += p.Exported
		s.failed += p.Failed
	}
}

// checkAccount compares one account's counts with what its files hold.
func (v *verifier) checkAccount(rel, rootFolder, folder string, a reportAccount, withErrors bool, listed map[string]bool) {
	for _, p := range a.Parts {
		if !listed[p] {
			v.problem(rel, "account %s: part %s is not in the manifest", a.ID, p)
		}
	}
	v.mu.Lock()
	t := v.tallies[rootFolder+folder]
	v.mu.Unlock()
	if t == nil {
		t = &tally{}
	}
	inReport := map[export.Product]bool{}
	var failed int64
	for _, p := range a.Products {
		if p.Unsupported {
			continue
		}
		inReport[p.Product] = true
		if got := t.items[p.Product]; got != p.Exported {
			v.problem(rel, "account %s: %s exported %d in the report, %d in the indexes", a.ID, p.Product, p.Exported, got)
		}
		if got := t.failed[p.Product]; got != p.Failed {
			v.problem(rel, "account %s: %s failed %d in the report, %d in the failure files", a.ID, p.Product, p.Failed, got)
		}
	}
	for pr, n := range t.items {
		if !inReport[pr] && n > 0 {
			v.problem(rel, "account %s: the indexes hold %d %s items the report does not count", a.ID, n, pr)
		}
	}
	for pr, n := range t.failed {
		failed += n
		if !inReport[pr] && n > 0 {
			v.problem(rel, "account %s: the failure files list %d %s failures the report does not count", a.ID, n, pr)
		}
	}
	if withErrors && int64(a.Failures) != failed {
		v.problem(rel, "account %s: %d failed items listed in the report, %d in the failure files", a.ID, a.Failures, failed)
	}
}

func (v *verifier) checkTotals(rel string, t reportTotals, s sums) {
	check := func(what string, total, sum int64) {
		if total != sum {
			v.problem(rel, "totals: %s is %d, the accounts add up to %d", what, total, sum)
		}
	}
	check("accounts", int64(t.Accounts), int64(s.accounts))
	check("accounts with errors", int64(t.AccountsWithErrors), int64(s.withErrors))
	check("exported", t.Exported, s.exported)
	check("failed", t.Failed, s.failed)
	inTotals := map[export.Product]bool{}
	for _, p := range t.ByProduct {
		inTotals[p.Product] = true
		c := s.byProduct[p.Product]
		check(string(p.Product)+" exported", p.Exported, c[0])
		check(string(p.Product)+" failed", p.Failed, c[1])
	}
	for pr, c := range s.byProduct {
		if !inTotals[pr] && (c[0] != 0 || c[1] != 0) {
			v.problem(rel, "totals: %s is missing; the accounts count %d exported, %d failed", pr, c[0], c[1])
		}
	}
}

// readReport streams report.json: its totals, then each account, one at a
// time, so a large report is never held whole.
func readReport(r io.Reader, totals func(reportTotals), account func(a reportAccount, withErrors bool)) error {
	dec := json.NewDecoder(r)
	if err := expectDelim(dec, '{'); err != nil {
		return err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch key, _ := tok.(string); key {
		case "totals":
			var t reportTotals
			if err := dec.Decode(&t); err != nil {
				return fmt.Errorf("totals: %w", err)
			}
			totals(t)
		case "accounts_with_errors", "accounts_without_errors":
			if err := expectDelim(dec, '['); err != nil {
				return fmt.Errorf("%s: %w", key, err)
			}
			for dec.More() {
				var a reportAccount
				if err := dec.Decode(&a); err != nil {
					return fmt.Errorf("%s: %w", key, err)
				}
				account(a, key == "accounts_with_errors")
			}
			if err := expectDelim(dec, ']'); err != nil {
				return err
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return err
			}
		}
	}
	return expectDelim(dec, '}')
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("expected %q, found %v", want, tok)
	}
	return nil
}
