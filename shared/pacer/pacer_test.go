package pacer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/api/googleapi"
)

// fakeClock records sleeps and moves time instead of sleeping.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	c.mu.Unlock()
	return ctx.Err()
}

type reply struct {
	status int
	reason string
	header map[string]string
}

// script serves the replies in order, then 200 "ok".
func script(t *testing.T, replies ...reply) (*httptest.Server, *int) {
	var mu sync.Mutex
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n := calls
		calls++
		mu.Unlock()
		if n >= len(replies) {
			io.WriteString(w, "ok")
			return
		}
		rp := replies[n]
		for k, v := range rp.header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(rp.status)
		fmt.Fprintf(w, `{"error":{"code":%d,"message":"m","errors":[{"reason":%q,"message":"m"}]}}`, rp.status, rp.reason)
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

func newTestPacer(clock *fakeClock, attempts int) *Pacer {
	return New("test", Options{MinBackoff: time.Second, MaxBackoff: 16 * time.Second,
		MaxAttempts: attempts, Now: clock.Now, Sleep: clock.Sleep, Jitter: func() float64 { return 0.5 }})
}

func get(t *testing.T, p *Pacer, url string) (*http.Response, string) {
	t.Helper()
	c := &http.Client{Transport: p.Transport(nil)}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestRetriesRateLimitsAndServerErrors(t *testing.T) {
	for _, rp := range []reply{
		{status: 429, reason: "rateLimitExceeded"},
		{status: 403, reason: "rateLimitExceeded"},
		{status: 403, reason: "userRateLimitExceeded"},
		{status: 500, reason: "backendError"},
		{status: 503, reason: "backendError"},
	} {
		t.Run(fmt.Sprint(rp.status, rp.reason), func(t *testing.T) {
			clock := &fakeClock{now: time.Unix(1e9, 0)}
			srv, calls := script(t, rp, rp)
			resp, body := get(t, newTestPacer(clock, 5), srv.URL)
			if resp.StatusCode != 200 || body != "ok" || *calls != 3 {
				t.Fatalf("got %d %q after %d calls, want 200 ok after 3", resp.StatusCode, body, *calls)
			}
			// Equal jitter at 0.5: 3/4 of each doubling step.
			want := []time.Duration{750 * time.Millisecond, 1500 * time.Millisecond}
			if fmt.Sprint(clock.sleeps) != fmt.Sprint(want) {
				t.Fatalf("slept %v, want %v", clock.sleeps, want)
			}
		})
	}
}

func TestFinalForItemIsNotRetried(t *testing.T) {
	for _, rp := range []reply{
		{status: 404, reason: "notFound"},
		{status: 403, reason: "quotaExceeded"},
		{status: 403, reason: "dailyLimitExceeded"},
		{status: 403, reason: "cannotDownloadFile"},
	} {
		t.Run(fmt.Sprint(rp.status, rp.reason), func(t *testing.T) {
			clock := &fakeClock{}
			srv, calls := script(t, rp)
			resp, body := get(t, newTestPacer(clock, 5), srv.URL)
			if resp.StatusCode != rp.status || *calls != 1 || len(clock.sleeps) != 0 {
				t.Fatalf("got %d after %d calls and sleeps %v", resp.StatusCode, *calls, clock.sleeps)
			}
			if !strings.Contains(body, rp.reason) {
				t.Fatalf("the caller lost the error body: %q", body)
			}
		})
	}
}

func TestHonoursRetryAfterAndCapsIt(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1e9, 0)}
	date := clock.now.Add(12 * time.Second).UTC().Format(http.TimeFormat)
	srv, _ := script(t,
		reply{status: 429, header: map[string]string{"Retry-After": "7"}},
		reply{status: 503, header: map[string]string{"Retry-After": date}},
		reply{status: 429, header: map[string]string{"Retry-After": "3600"}})
	resp, _ := get(t, newTestPacer(clock, 5), srv.URL)
	want := []time.Duration{7 * time.Second, 5 * time.Second, 16 * time.Second}
	if resp.StatusCode != 200 || fmt.Sprint(clock.sleeps) != fmt.Sprint(want) {
		t.Fatalf("status %d, slept %v, want %v", resp.StatusCode, clock.sleeps, want)
	}
}

func TestBackoffIsCappedAndGivesUp(t *testing.T) {
	clock := &fakeClock{}
	var rs []reply
	for range 10 {
		rs = append(rs, reply{status: 503, reason: "backendError"})
	}
	srv, calls := script(t, rs...)
	resp, _ := get(t, newTestPacer(clock, 8), srv.URL)
	if resp.StatusCode != 503 || *calls != 8 {
		t.Fatalf("status %d after %d calls, want 503 after 8", resp.StatusCode, *calls)
	}
	for _, d := range clock.sleeps {
		if d > 16*time.Second {
			t.Fatalf("slept %v, over the 16s cap", d)
		}
	}
	err := googleapi.CheckResponse(resp)
	if ClassOf(err) != FinalForItem || !strings.Contains(Reason(err), "503") {
		t.Fatalf("class %v reason %q", ClassOf(err), Reason(err))
	}
}

func TestWaitStopsWhenContextEnds(t *testing.T) {
	srv, calls := script(t, reply{status: 429, header: map[string]string{"Retry-After": "30"}})
	p := New("test", Options{MinBackoff: time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	start := time.Now()
	_, err := (&http.Client{Transport: p.Transport(nil)}).Do(req)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second || *calls != 1 {
		t.Fatalf("err %v after %v and %d calls", err, time.Since(start), *calls)
	}
}

func TestPairSharesItsPause(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1e9, 0)}
	set := NewSet(Options{Now: clock.Now, Sleep: clock.Sleep, Jitter: func() float64 { return 0 }})
	a := set.For("alice@example.com", "gmail")
	if set.For("alice@example.com", "gmail") != a || set.For("bob@example.com", "gmail") == a {
		t.Fatal("Set does not key pacers by (subject, API)")
	}
	a.hold(10 * time.Second)
	srv, _ := script(t)
	get(t, a, srv.URL)
	get(t, set.For("bob@example.com", "gmail"), srv.URL)
	if fmt.Sprint(clock.sleeps) != "[10s]" {
		t.Fatalf("slept %v, want only alice's call to wait 10s", clock.sleeps)
	}
}

func TestReasonsArePlainWords(t *testing.T) {
	cases := map[int]string{404: "not found", 401: "not authorised", 429: "rate-limiting"}
	for code, want := range cases {
		err := &googleapi.Error{Code: code, Message: "x"}
		if !strings.Contains(Reason(err), want) {
			t.Errorf("Reason(%d) = %q, want it to mention %q", code, Reason(err), want)
		}
	}
	quota := &googleapi.Error{Code: 403, Errors: []googleapi.ErrorItem{{Reason: "dailyLimitExceeded"}}}
	if ClassOf(quota) != FinalForItem || !strings.Contains(Reason(quota), "quota") {
		t.Errorf("quota: class %v reason %q", ClassOf(quota), Reason(quota))
	}
	if ClassOf(&googleapi.Error{Code: 401}) != Fatal || ClassOf(context.Canceled) != Fatal {
		t.Error("401 and cancellation must be fatal")
	}
}

func TestResendsRequestBody(t *testing.T) {
	var bodies []string
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, string(b))
		if n++; n == 1 {
			w.WriteHeader(503)
		}
	}))
	defer srv.Close()
	clock := &fakeClock{}
	c := &http.Client{Transport: newTestPacer(clock, 3).Transport(nil)}
	req, _ := http.NewRequest(http.MethodPut, srv.URL, strings.NewReader("payload"))
	resp, err := c.Do(req)
	if err != nil || resp.StatusCode != 200 || fmt.Sprint(bodies) != "[payload payload]" {
		t.Fatalf("err %v bodies %q", err, bodies)
	}
	resp.Body.Close()
}

// A call that is not idempotent is sent again after a lost answer only when
// its check says it did not take effect; a refusal (429) says it did not,
// so it is sent again anyway.
func TestLostAnswersOfCallsThatAreNotIdempotent(t *testing.T) {
	var calls int
	created := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		switch r.URL.Path {
		case "/refused":
			if calls == 1 {
				w.Header().Set("Retry-After", "0")
				w.WriteHeader(429)
			}
		case "/applied":
			created = true
			w.WriteHeader(503) // applied, but the answer says otherwise
		case "/lost":
			w.WriteHeader(503)
		}
	}))
	defer srv.Close()
	post := func(ctx context.Context, path string) error {
		clock := &fakeClock{}
		c := &http.Client{Transport: newTestPacer(clock, 4).Transport(nil)}
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+path, strings.NewReader("{}"))
		resp, err := c.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	calls = 0
	if err := post(context.Background(), "/refused"); err != nil || calls != 2 {
		t.Errorf("after a 429: %v, %d calls; want it sent again", err, calls)
	}
	calls = 0
	if err := post(context.Background(), "/lost"); !errors.Is(err, ErrAnswerLost) || calls != 1 {
		t.Errorf("a POST whose answer was lost, without a check: %v, %d calls; want ErrAnswerLost after one", err, calls)
	}
	calls = 0
	applied := func(context.Context) (bool, error) { return created, nil }
	if err := post(Check(context.Background(), applied), "/applied"); !errors.Is(err, ErrApplied) || calls != 1 {
		t.Errorf("a POST that took effect: %v, %d calls; want ErrApplied after one", err, calls)
	}
	calls = 0
	notYet := func(context.Context) (bool, error) { return false, nil }
	if err := post(Check(context.Background(), notYet), "/lost"); err != nil || calls != 4 {
		t.Errorf("a POST whose check says it did not take effect: %v, %d calls; want it retried to the limit", err, calls)
	}
}

func TestRefetchesJSONCutOffInTransit(t *testing.T) {
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		if n++; n == 1 {
			w.Header().Set("Content-Length", "100")
			io.WriteString(w, `{"cut":`)
			return // the connection ends before 100 bytes
		}
		io.WriteString(w, `{"whole":true}`)
	}))
	defer srv.Close()
	resp, body := get(t, newTestPacer(&fakeClock{}, 3), srv.URL)
	if resp.StatusCode != 200 || body != `{"whole":true}` || n != 2 {
		t.Fatalf("got %q after %d calls", body, n)
	}
}

func TestTokenFailuresAreFatalAndNotRetried(t *testing.T) {
	calls := 0
	noToken := roundTripFunc(func(*http.Request) (*http.Response, error) {
		calls++
		return nil, fmt.Errorf("%w: invalid_grant", ErrNoToken)
	})
	clock := &fakeClock{}
	_, err := (&http.Client{Transport: newTestPacer(clock, 5).Transport(noToken)}).Get("http://example.invalid/")
	if calls != 1 || len(clock.sleeps) != 0 || ClassOf(err) != Fatal {
		t.Fatalf("%d calls, sleeps %v, class %v", calls, clock.sleeps, ClassOf(err))
	}
}

func TestConnectionFailuresAreRetried(t *testing.T) {
	srv, calls := script(t)
	n := 0
	flaky := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if n++; n == 1 {
			return nil, io.ErrUnexpectedEOF
		}
		return http.DefaultTransport.RoundTrip(r)
	})
	clock := &fakeClock{}
	c := &http.Client{Transport: newTestPacer(clock, 5).Transport(flaky)}
	resp, err := c.Get(srv.URL)
	if err != nil || resp.StatusCode != 200 || *calls != 1 || len(clock.sleeps) != 1 {
		t.Fatalf("err %v, %d server calls, sleeps %v", err, *calls, clock.sleeps)
	}
	resp.Body.Close()
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Both shapes of Google's error bodies are classified: errors[].reason
// (Gmail, Drive, Calendar, Directory) and google.rpc's status with
// details and no errors[] (Chat, Keep, People, Classroom, Vault).
func TestClassifiesBothErrorShapes(t *testing.T) {
	reasons := func(code int, reason string) string {
		return fmt.Sprintf(`{"error":{"code":%d,"message":"m","status":"X","errors":[{"reason":%q,"domain":"usageLimits","message":"m"}]}}`, code, reason)
	}
	status := func(code int, st, details string) string {
		return fmt.Sprintf(`{"error":{"code":%d,"message":"m","status":%q,"details":[%s]}}`, code, st, details)
	}
	info := func(reason, limit string) string {
		return fmt.Sprintf(`{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":%q,"domain":"googleapis.com","metadata":{"quota_limit":%q,"service":"chat.googleapis.com"}}`, reason, limit)
	}
	cases := []struct {
		name string
		code int
		body string
		want Class
		says string
	}{
		{"rateLimitExceeded 403", 403, reasons(403, "rateLimitExceeded"), Retry, "rate-limiting"},
		{"rateLimitExceeded 429", 429, reasons(429, "rateLimitExceeded"), Retry, "rate-limiting"},
		{"userRateLimitExceeded", 403, reasons(403, "userRateLimitExceeded"), Retry, "rate-limiting"},
		{"quotaExceeded", 403, reasons(403, "quotaExceeded"), FinalForItem, "quota"},
		{"dailyLimitExceeded", 403, reasons(403, "dailyLimitExceeded"), FinalForItem, "quota"},
		{"backendError", 500, reasons(500, "backendError"), Retry, "kept failing"},
		{"backendError 503", 503, reasons(503, "backendError"), Retry, "kept failing"},
		{"forbidden", 403, reasons(403, "forbidden"), FinalForItem, "access denied (forbidden)"},
		{"RESOURCE_EXHAUSTED per minute", 429, status(429, "RESOURCE_EXHAUSTED", info("RATE_LIMIT_EXCEEDED", "ReadRequestsPerMinutePerUser")), Retry, "rate-limiting"},
		{"RESOURCE_EXHAUSTED per day", 429, status(429, "RESOURCE_EXHAUSTED", info("RATE_LIMIT_EXCEEDED", "ReadRequestsPerDayPerProject")), FinalForItem, "quota"},
		{"UNAVAILABLE", 503, status(503, "UNAVAILABLE", ""), Retry, "kept failing"},
		{"PERMISSION_DENIED", 403, status(403, "PERMISSION_DENIED", ""), FinalForItem, "access denied (PERMISSION_DENIED)"},
		{"SERVICE_DISABLED", 403, status(403, "PERMISSION_DENIED", info("SERVICE_DISABLED", "")), FinalForItem, "access denied (SERVICE_DISABLED)"},
		{"UNAUTHENTICATED", 401, status(401, "UNAUTHENTICATED", ""), Fatal, "not authorised"},
	}
	for _, c := range cases {
		if got := classify(c.code, parseProblem([]byte(c.body))); got != c.want {
			t.Errorf("%s: classify = %v, want %v", c.name, got, c.want)
		}
		err := &googleapi.Error{Code: c.code, Body: c.body}
		if got := Reason(err); !strings.Contains(got, c.says) {
			t.Errorf("%s: Reason = %q, want it to say %q", c.name, got, c.says)
		}
	}
}

// A per-day quota of a status-shaped API is not retried: waiting does not
// lift it.
func TestDailyQuotaOfStatusShapedAPIIsNotRetried(t *testing.T) {
	var calls int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		w.WriteHeader(429)
		io.WriteString(w, `{"error":{"code":429,"message":"Quota exceeded","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"RATE_LIMIT_EXCEEDED","metadata":{"quota_limit":"ReadRequestsPerDayPerUser"}}]}}`)
	}))
	defer srv.Close()
	clock := &fakeClock{}
	resp, _ := get(t, newTestPacer(clock, 5), srv.URL)
	if resp.StatusCode != 429 || calls != 1 {
		t.Fatalf("status %d after %d calls, want 429 after 1", resp.StatusCode, calls)
	}
}
