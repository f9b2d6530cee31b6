package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
)

// A retry's report (R16) says it is one and lists items deleted since the
// export apart from failures; an original's report links its retries with
// what they recovered. Both match the schema.
func TestRetryReports(t *testing.T) {
	in := sampleInput()
	in.Export.Retry, in.Export.RetryOf = 1, "exp-0"
	in.Accounts = func(yield func(Account, error) bool) {
		yield(Account{Type: export.User, ID: "alice@example.com", Parts: []string{"users/alice@example.com/alice@example.com-001.zip"},
			Products:     []ProductCount{{Product: export.Gmail, Exported: 1}},
			DeletedItems: 1, Retried: map[export.Product]string{export.Gmail: export.RetriedItems},
			Failures: func(yield func(connector.Failure, error) bool) {
				yield(connector.Gone(export.Gmail, "m-gone", ""), nil)
			}}, nil)
	}
	html, js := render(t, in)
	for _, want := range []string{"Retry 1 of the data export", "Retry of</dt><dd>exp-0", "1 deleted since the export",
		"files deleted since the export (1)", "the failed items, fetched again by id", "deleted since the export</span>"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("the retry's report.html lacks %q", want)
		}
	}
	r, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	if tot := r.Totals(); tot.Failed != 0 || tot.Deleted != 1 || tot.AccountsWithErrors != 1 {
		t.Errorf("totals %+v: a deleted item is no failure, but its account is listed", tot)
	}
	validate(t, js)

	orig := sampleInput()
	orig.Retries = []Retry{{N: 1, ExportID: "exp-0-retry-1", RequestedBy: "root@example.com", State: export.CompletedWithErrors,
		RequestedAt: orig.Export.FinishedAt, CompletedAt: orig.Export.FinishedAt, Recovered: 3, Failed: 1, Deleted: 1}}
	html, js = render(t, orig)
	if !strings.Contains(string(html), `href="./retry-1/report.html"`) || !strings.Contains(string(html), "Retries of what failed") {
		t.Error("the original's report.html does not link its retry")
	}
	if !strings.Contains(string(js), `"retries":[{"n":1,"export_id":"exp-0-retry-1","folder":"retry-1/","report":"retry-1/report.html"`) {
		t.Errorf("the original's report.json lacks the retry: %s", js)
	}
	validate(t, js)
}

func validate(t *testing.T, js []byte) {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	if err := compileSchema(t).Validate(doc); err != nil {
		t.Errorf("report.json does not match the schema: %v", err)
	}
}
