package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
)

// The shapes of report.json; report.schema.json describes the same.
type (
	jsonExport struct {
		CustomerID  string       `json:"customer_id"`
		Domain      string       `json:"domain"`
		ExportID    string       `json:"export_id"`
		RequestedBy string       `json:"requested_by"`
		RequestedAt *string      `json:"requested_at"`
		HoldEnd     *string      `json:"hold_end"`
		CutOff      *string      `json:"cut_off"`
		StartedAt   *string      `json:"started_at"`
		FinishedAt  *string      `json:"finished_at"`
		State       export.State `json:"state"`
		Retry       int          `json:"retry,omitempty"`
		RetryOf     string       `json:"retry_of,omitempty"`
	}
	jsonCount struct {
		Product     export.Product `json:"product"`
		Exported    int64          `json:"exported"`
		Failed      int64          `json:"failed"`
		Unsupported bool           `json:"unsupported,omitempty"`
	}
	jsonType struct {
		Type               export.AccountType `json:"type"`
		Label              string             `json:"label"`
		Accounts           int                `json:"accounts"`
		AccountsWithErrors int                `json:"accounts_with_errors"`
		Exported           int64              `json:"exported"`
		Failed             int64              `json:"failed"`
	}
	jsonTotals struct {
		Accounts           int         `json:"accounts"`
		AccountsWithErrors int         `json:"accounts_with_errors"`
		Exported           int64       `json:"exported"`
		Failed             int64       `json:"failed"`
		Deleted            int64       `json:"deleted,omitempty"`
		ByProduct          []jsonCount `json:"by_product"`
		ByType             []jsonType  `json:"by_account_type"`
	}
	jsonUnsupported struct {
		Product     export.Product `json:"product"`
		DataType    string         `json:"data_type,omitempty"`
		Reason      string         `json:"reason"`
		Account     string         `json:"account,omitempty"`
		AccountName string         `json:"account_name,omitempty"`
	}
	jsonAccount struct {
		Type      export.AccountType        `json:"type"`
		Label     string                    `json:"label"`
		ID        string                    `json:"id"`
		Name      string                    `json:"name,omitempty"`
		Suspended bool                      `json:"suspended,omitempty"`
		Parts     []string                  `json:"parts"`
		Exported  int64                     `json:"exported"`
		Failed    int64                     `json:"failed"`
		Deleted   int64                     `json:"deleted,omitempty"`
		Retried   map[export.Product]string `json:"retried,omitempty"`
		Products  []jsonCount               `json:"products"`
		Errors    []string                  `json:"errors"`
	}
)

// WriteJSON writes report.json to w: the same content as report.html with
// a "version" field. Accounts with errors carry a "failures" array, which
// streams from the account's Failures iterator. On error the output is
// incomplete and must not be published.
func (r *Report) WriteJSON(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := r.write(jsonForm{bw}); err != nil {
		return fmt.Errorf("report.json: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("report.json: %w", err)
	}
	return nil
}

// jsonForm writes report.json.
type jsonForm struct{ w *bufio.Writer }

func (f jsonForm) head(r *Report) error {
	head, err := json.Marshal(struct {
		Version     int               `json:"version"`
		Export      jsonExport        `json:"export"`
		Totals      jsonTotals        `json:"totals"`
		Unsupported []jsonUnsupported `json:"unsupported"`
		Retries     []jsonRetry       `json:"retries,omitempty"`
	}{Version, exportJSON(r.export), totalsJSON(r.totals), unsupportedJSON(r.unsupported), retriesJSON(r.retries)})
	if err != nil {
		return err
	}
	f.w.Write(head[:len(head)-1]) // reopen the object to append the accounts
	_, err = f.w.WriteString(",\n\"accounts_with_errors\":[")
	return err
}

// account opens an account with errors, to append its failures.
func (f jsonForm) account(i int, a *Account) error {
	b, err := f.element(i, "\n", accountJSON(a))
	if err != nil {
		return err
	}
	f.w.Write(b[:len(b)-1])
	_, err = f.w.WriteString(`,"failures":[`)
	return err
}

func (f jsonForm) failure(_ *Account, n int, fl connector.Failure) error {
	b, err := f.element(n, "\n ", fl)
	if err == nil {
		_, err = f.w.Write(b)
	}
	return err
}

// element marshals v, the i-th element of an array, and writes what goes
// before it: a comma after the first, then lead.
func (f jsonForm) element(i int, lead string, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	if i > 0 {
		f.w.WriteByte(',')
	}
	f.w.WriteString(lead)
	return b, nil
}

func (f jsonForm) accountEnd(*Account, int) error {
	_, err := f.w.WriteString("]}")
	return err
}

func (f jsonForm) quietOpen(*Report) error {
	_, err := f.w.WriteString("],\n\"accounts_without_errors\":[")
	return err
}

func (f jsonForm) quiet(i int, a *Account) error {
	b, err := f.element(i, "\n", accountJSON(a))
	if err == nil {
		_, err = f.w.Write(b)
	}
	return err
}

func (f jsonForm) foot(*Report) error {
	_, err := f.w.WriteString("]}\n")
	return err
}

func timeJSON(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

func exportJSON(e Export) jsonExport {
	return jsonExport{
		CustomerID: e.CustomerID, Domain: e.Domain, ExportID: e.ExportID, RequestedBy: e.RequestedBy,
		RequestedAt: timeJSON(e.RequestedAt), HoldEnd: timeJSON(e.HoldEnd), CutOff: timeJSON(e.CutOff),
		StartedAt: timeJSON(e.StartedAt), FinishedAt: timeJSON(e.FinishedAt), State: e.State,
		Retry: e.Retry, RetryOf: e.RetryOf,
	}
}

func countsJSON(pcs []ProductCount) []jsonCount {
	out := make([]jsonCount, 0, len(pcs))
	for _, p := range pcs {
		out = append(out, jsonCount(p))
	}
	return out
}

func totalsJSON(t Totals) jsonTotals {
	types := make([]jsonType, 0, len(t.ByType))
	for _, tt := range t.ByType {
		types = append(types, jsonType{Type: tt.Type, Label: tt.Type.Label(), Accounts: tt.Accounts,
			AccountsWithErrors: tt.AccountsWithErrors, Exported: tt.Exported, Failed: tt.Failed})
	}
	return jsonTotals{Accounts: t.Accounts, AccountsWithErrors: t.AccountsWithErrors,
		Exported: t.Exported, Failed: t.Failed, Deleted: t.Deleted, ByProduct: countsJSON(t.ByProduct), ByType: types}
}

func unsupportedJSON(us []Unsupported) []jsonUnsupported {
	out := make([]jsonUnsupported, 0, len(us))
	for _, u := range us {
		u.AccountName = shownName(u.AccountName, u.Account)
		out = append(out, jsonUnsupported(u))
	}
	return out
}

func accountJSON(a *Account) jsonAccount {
	parts, errs := a.Parts, a.Errors
	if parts == nil {
		parts = []string{}
	}
	if errs == nil {
		errs = []string{}
	}
	return jsonAccount{Type: a.Type, Label: a.Type.Label(), ID: a.ID, Name: shownName(a.Name, a.ID), Suspended: a.Suspended, Parts: parts,
		Exported: a.Exported(), Failed: a.Failed(), Deleted: a.Deleted(), Retried: a.Retried, Products: countsJSON(a.Products), Errors: errs}
}

// shownName is the display name when it says more than the id.
func shownName(name, id string) string {
	if name == id {
		return ""
	}
	return name
}
