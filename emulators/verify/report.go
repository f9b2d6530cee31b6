package verify

import (
	"encoding/json"
	"fmt"
	"io"
)

// Reported is what a report.json lists.
type Reported struct {
	// Accounts are all accounts listed, with errors or without.
	Accounts int
	// WithErrors are the accounts listed with errors, and Failures the
	// failed items they list between them.
	WithErrors, Failures int
}

// ReadReport reads a report.json and counts what it lists.
func ReadReport(r io.Reader) (Reported, error) {
	var rep struct {
		With []struct {
			Failures []json.RawMessage `json:"failures"`
		} `json:"accounts_with_errors"`
		Without []json.RawMessage `json:"accounts_without_errors"`
	}
	if err := json.NewDecoder(r).Decode(&rep); err != nil {
		return Reported{}, fmt.Errorf("report.json: %w", err)
	}
	got := Reported{Accounts: len(rep.With) + len(rep.Without), WithErrors: len(rep.With)}
	for _, a := range rep.With {
		got.Failures += len(a.Failures)
	}
	return got, nil
}
