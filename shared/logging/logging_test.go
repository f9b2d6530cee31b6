package logging_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/orgexport/orgexport/shared/logging"
)

// Cloud Logging reads severity, message and the trace of the request from
// each JSON line.
func TestCloudLoggingFields(t *testing.T) {
	var buf bytes.Buffer
	log := logging.New(&buf, logging.Options{Project: "p1"})
	r := httptest.NewRequest("POST", "/", nil)
	r.Header.Set("X-Cloud-Trace-Context", "105445aa7843bc8bf206b12000100000/1;o=1")
	r.Header.Set("Function-Execution-Id", "exec-42")
	ctx := logging.WithRequest(context.Background(), r)
	log.WarnContext(ctx, "part cut", "account", "a@example.com")

	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatalf("not one JSON line: %q", buf.String())
	}
	want := map[string]any{
		"severity":                     "WARNING",
		"message":                      "part cut",
		"logging.googleapis.com/trace": "projects/p1/traces/105445aa7843bc8bf206b12000100000",
		"execution_id":                 "exec-42",
		"account":                      "a@example.com",
	}
	for k, v := range want {
		if line[k] != v {
			t.Errorf("%s = %v, want %v (line %s)", k, line[k], v, buf.String())
		}
	}
}

func TestLevelFilters(t *testing.T) {
	var buf bytes.Buffer
	log := logging.New(&buf, logging.Options{Level: "warn"})
	log.Info("quiet")
	if buf.Len() != 0 {
		t.Errorf("info logged at level warn: %s", buf.String())
	}
}
