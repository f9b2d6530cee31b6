package workspace_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

type stepClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *stepClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *stepClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func startQuotas(t *testing.T, q map[string]workspace.Quota) (*workspace.Server, *stepClock) {
	t.Helper()
	org, err := synth.New(synth.Tiny(1))
	if err != nil {
		t.Fatal(err)
	}
	c := &stepClock{t: time.Now()} // the token endpoint checks assertions against it
	s, err := workspace.Start(workspace.Config{Org: org, Quotas: q, Now: c.now}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, c
}

func status(t *testing.T, hc *http.Client, url string) (int, errorBody) {
	t.Helper()
	res, err := hc.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var e errorBody
	_ = json.Unmarshal(b, &e)
	return res.StatusCode, e
}

// Gmail counts quota units per method: with 20 units a minute per
// project, four messages.list calls (5 units each) pass, the fifth is
// refused 429 rateLimitExceeded, and a minute later the window has room.
func TestGmailProjectQuotaCountsUnits(t *testing.T) {
	s, clock := startQuotas(t, map[string]workspace.Quota{"gmail": {PerProject: 20}})
	users := s.Org().Users()
	for i := 0; i < 4; i++ {
		hc, _ := s.HTTPClient(context.Background(), users[i%len(users)].Email)
		if code, e := status(t, hc, s.URL()+"/gmail/v1/users/me/messages"); code != 200 {
			t.Fatalf("call %d: %d %+v", i+1, code, e)
		}
	}
	hc, _ := s.HTTPClient(context.Background(), users[0].Email)
	code, e := status(t, hc, s.URL()+"/gmail/v1/users/me/messages")
	if code != 429 || len(e.Error.Errors) == 0 || string(e.Error.Errors[0]) == "" {
		t.Fatalf("fifth call: %d %+v, want 429 with errors[].reason", code, e)
	}
	var reason struct{ Reason string }
	_ = json.Unmarshal(e.Error.Errors[0], &reason)
	if reason.Reason != "rateLimitExceeded" {
		t.Errorf("reason %q, want rateLimitExceeded", reason.Reason)
	}
	// labels.list costs 1 unit: still refused, the window is full.
	if code, _ := status(t, hc, s.URL()+"/gmail/v1/users/me/labels"); code != 429 {
		t.Errorf("labels.list in a full window: %d", code)
	}
	clock.add(61 * time.Second)
	if code, e := status(t, hc, s.URL()+"/gmail/v1/users/me/messages"); code != 200 {
		t.Errorf("a minute later: %d %+v", code, e)
	}
	var served, refused int
	for _, q := range s.QuotaSeconds() {
		served += q.Served
		refused += q.Refused
	}
	if served != 5 || refused != 2 {
		t.Errorf("stats: %d served, %d refused; want 5 and 2", served, refused)
	}
}

// A per-user quota refuses one user while others go on; Chat answers in
// its own shape, 429 RESOURCE_EXHAUSTED with an ErrorInfo.
func TestUserQuotaAndStatusShape(t *testing.T) {
	s, _ := startQuotas(t, map[string]workspace.Quota{"chat": {PerUser: 1}})
	users := s.Org().Users()
	a, _ := s.HTTPClient(context.Background(), users[1].Email)
	b, _ := s.HTTPClient(context.Background(), users[2].Email)
	status(t, a, s.URL()+"/v1/spaces")
	code, e := status(t, a, s.URL()+"/v1/spaces")
	if code != 429 || e.Error.Status != "RESOURCE_EXHAUSTED" || len(e.Error.Errors) != 0 || len(e.Error.Details) == 0 {
		t.Errorf("second call of one user: %d %+v, want 429 RESOURCE_EXHAUSTED with details and no errors[]", code, e)
	}
	if code, _ := status(t, b, s.URL()+"/v1/spaces"); code == 429 {
		t.Errorf("another user was refused by the first one's quota")
	}
}
