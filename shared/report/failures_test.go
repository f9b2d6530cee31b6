package report

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/orgexport/orgexport/shared/export"
)

func TestNDJSONFailuresFeedTheReport(t *testing.T) {
	const list = `{"product":"Drive","item_id":"1","path":"Drive/a.txt","reason":"too large"}
{"product":"Gmail","item_id":"2","reason":"quota"}
`
	opened := 0
	fs := NDJSONFailures(func() (io.ReadCloser, error) {
		opened++
		return io.NopCloser(strings.NewReader(list)), nil
	})
	r, err := Build(Input{Accounts: accounts(Account{Type: export.User, ID: "a@x",
		Products: []ProductCount{{export.Drive, 1, 1, false}, {export.Gmail, 1, 1, false}}, Failures: fs})})
	if err != nil {
		t.Fatal(err)
	}
	var h, j bytes.Buffer
	if err := r.WriteHTML(&h); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteJSON(&j); err != nil {
		t.Fatal(err)
	}
	if opened != 2 {
		t.Errorf("list opened %d times, want once per output", opened)
	}
	for _, want := range []string{"Drive/a.txt", "too large", "quota"} {
		if !strings.Contains(h.String(), want) || !strings.Contains(j.String(), want) {
			t.Errorf("%q missing from an output", want)
		}
	}
}

func TestNDJSONFailuresReportBadLines(t *testing.T) {
	fs := NDJSONFailures(func() (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader("{\"item_id\":\"1\"}\nnot json\n")), nil
	})
	var errs []error
	for _, err := range fs {
		if err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "line 2") {
		t.Errorf("errors = %v", errs)
	}
	missing := errors.New("object not found")
	for _, err := range NDJSONFailures(func() (io.ReadCloser, error) { return nil, missing }) {
		if !errors.Is(err, missing) {
			t.Errorf("open error = %v", err)
		}
	}
}
