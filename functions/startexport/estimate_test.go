package startexport_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/estimate"
)

type estimateReply struct {
	Date            string  `json:"date"`
	Users           int64   `json:"users"`
	Bytes           int64   `json:"bytes"`
	Parts           int64   `json:"parts"`
	DurationSeconds float64 `json:"duration_seconds"`
	Binding         string  `json:"binding"`
	Error           struct {
		Status  string `json:"status"`
		Message string `json:"message"`
	} `json:"error"`
}

// GET /exports/estimate gives a super administrator the estimate from the
// usage reports; a user who is not one is refused, as for a start. The
// export started next records it.
func TestEstimateBeforeStarting(t *testing.T) {
	opts := synth.Tiny(92)
	s := newStack(t, opts)
	withSetupCheck(t, s)
	s.svc.Estimator = &estimate.Estimator{Clients: clientsOf(t, s), PartSize: 1 << 20}
	r := s.as(s.user(0), http.MethodGet, "/exports/estimate", "")
	var got estimateReply
	r.decode(t, &got)
	if r.Code != http.StatusOK || got.Bytes <= 0 || got.Parts <= got.Users || got.DurationSeconds <= 0 || got.Binding == "" {
		t.Fatalf("estimate: %d %s", r.Code, r.Body)
	}
	if _, err := time.Parse(time.DateOnly, got.Date); err != nil {
		t.Errorf("date %q", got.Date)
	}
	if r := s.as(s.user(5), http.MethodGet, "/exports/estimate", ""); r.Code != http.StatusForbidden {
		t.Errorf("a user who is no super admin: %d %s", r.Code, r.Body)
	}
	v := s.start(s.user(0))
	r = s.as(s.user(0), http.MethodGet, "/exports/"+v.ID, "")
	if r.Code != http.StatusOK || !strings.Contains(string(r.Body), `"estimate"`) || !strings.Contains(string(r.Body), `"parts"`) {
		t.Errorf("the export does not carry its estimate: %d %s", r.Code, r.Body)
	}
}
