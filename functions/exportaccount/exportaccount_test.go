package exportaccount_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/orgexport/orgexport/emulators/testenv"
	"github.com/orgexport/orgexport/functions/exportaccount"
	"github.com/orgexport/orgexport/shared/blob"
	"github.com/orgexport/orgexport/shared/pipeline"
	"github.com/orgexport/orgexport/shared/store"
)

func TestMain(m *testing.M) { os.Exit(testenv.Run(m, testenv.Firestore)) }

func handler(t *testing.T) http.Handler {
	env := testenv.Get(t)
	st, err := store.New(context.Background(), env.Project)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	log := slog.New(slog.DiscardHandler)
	return exportaccount.New(&pipeline.Pipeline{Store: st, Bucket: blob.NewMemory(), Log: log}, log)
}

func post(h http.Handler, body string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// A malformed task is refused with a message that says what is wrong; Cloud
// Tasks retries it only up to the queue's attempts.
func TestBadTasksAreRefused(t *testing.T) {
	h := handler(t)
	for name, body := range map[string]string{
		"not JSON":      `{"customer_id":`,
		"unknown field": `{"customer_id":"c","export_id":"e","account_key":"k","part":1,"extra":true}`,
		"no account":    `{"customer_id":"c","export_id":"e","part":1}`,
		"part zero":     `{"customer_id":"c","export_id":"e","account_key":"k","part":0}`,
		"reserved id":   `{"customer_id":"c","export_id":"__e__","account_key":"k","part":1}`,
		"path in id":    `{"customer_id":"c/exports/e","export_id":"e","account_key":"k","part":1}`,
		"not UTF-8":     "{\"customer_id\":\"c\",\"export_id\":\"e\xff\",\"account_key\":\"k\",\"part\":1}",
		"long id":       `{"customer_id":"c","export_id":"e","account_key":"` + strings.Repeat("k", 129) + `","part":1}`,
	} {
		w := post(h, body)
		var e struct {
			Error struct {
				Code    int    `json:"code"`
				Message string `json:"message"`
			} `json:"error"`
		}
		if w.Code != http.StatusBadRequest || json.Unmarshal(w.Body.Bytes(), &e) != nil || e.Error.Message == "" {
			t.Errorf("%s: %d %s, want 400 with a message", name, w.Code, w.Body)
		}
	}
}

// A task for an export that does not exist (deleted, or never was) is
// acknowledged, so it is not retried for ever.
func TestTaskForUnknownExportIsAcknowledged(t *testing.T) {
	w := post(handler(t), `{"customer_id":"c","export_id":"gone","account_key":"user-1","part":1}`)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "nothing to do") {
		t.Errorf("%d %s, want 200 and nothing to do", w.Code, w.Body)
	}
}
