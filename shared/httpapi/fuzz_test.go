package httpapi_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/orgexport/orgexport/shared/control"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/httpapi"
)

// bodies are the request bodies the functions decode with Decode: POST
// /exports, :cancel, the support actions, the begin and account tasks.
var bodies = map[string]func() any{
	"start": func() any { return &control.StartRequest{} },
	"cancel": func() any {
		return &struct {
			Note string `json:"note"`
		}{}
	},
	"support": func() any {
		return &struct {
			Until  time.Time `json:"until"`
			Ticket string    `json:"ticket"`
		}{}
	},
	"begin":   func() any { return &export.BeginTask{} },
	"account": func() any { return &export.AccountTask{} },
}

// FuzzDecode: every body decoder refuses with a 4xx answer whatever is not
// exactly one JSON value of the expected shape within MaxBody, and never
// accepts invalid JSON.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{"{}", `{"users":["a"]}`, `{"note":"x"}`, `{"until":"2026-01-01T00:00:00Z","ticket":"T"}`,
		`{"customer_id":"C1","export_id":"E1"}`, `{"customer_id":"C1","export_id":"E1","account_key":"k","part":1}`,
		"{}}", "{}]", "{} {}", `{"note":"\ud800"}`, `{"part":1e999}`, "\xff", "[", "null", `{"a":` + strings.Repeat("[", 10000)} {
		f.Add(s, "application/json")
	}
	f.Add("{}", "text/plain")
	f.Fuzz(func(t *testing.T, body, contentType string) {
		for name, mk := range bodies {
			r := httptest.NewRequest("POST", "/", strings.NewReader(body))
			r.Header.Set("Content-Type", contentType)
			err := httpapi.Decode(r, mk(), name == "start" || name == "cancel")
			if err == nil {
				trimmed := bytes.TrimSpace([]byte(body))
				if len(body) > httpapi.MaxBody || (len(trimmed) > 0 && !json.Valid(trimmed)) {
					t.Fatalf("%s accepted %q", name, body)
				}
				continue
			}
			var he *httpapi.Error
			if !errors.As(err, &he) || he.Code < 400 || he.Code >= 500 {
				t.Fatalf("%s refused %q with %v, want a 4xx answer", name, body, err)
			}
		}
	})
}
