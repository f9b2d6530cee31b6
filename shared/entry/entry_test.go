package entry_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/orgexport/orgexport/shared/entry"
)

// TestMisconfigurationRevealsNoValue: a function that cannot start answers
// anyone, before any token is checked, so its answer must not carry the
// configuration error's values (URLs, accounts, settings).
func TestMisconfigurationRevealsNoValue(t *testing.T) {
	h := entry.Lazy("StartExport", func(context.Context) (http.Handler, error) {
		return nil, errors.New(`configuration: ORGEXPORT_BEGIN_URL: must be an absolute http(s) URL, got "internal-host:8080/secret-path"`)
	})
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("POST", "/exports", nil))
	body, _ := io.ReadAll(w.Result().Body)
	if w.Code != http.StatusInternalServerError {
		t.Errorf("status %d, want 500", w.Code)
	}
	for _, s := range []string{"internal-host", "secret-path", "ORGEXPORT_BEGIN_URL"} {
		if strings.Contains(string(body), s) {
			t.Errorf("the answer reveals %q: %s", s, body)
		}
	}
	if !strings.Contains(string(body), "misconfigured") {
		t.Errorf("the answer does not say the function is misconfigured: %s", body)
	}
}
