package workspace_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	drive "google.golang.org/api/drive/v3"
	gmail "google.golang.org/api/gmail/v1"

	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

func get(t *testing.T, hc *http.Client, url string) *http.Response {
	t.Helper()
	res, err := hc.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}

func TestRateLimitsCarryRetryAfter(t *testing.T) {
	t.Parallel()
	s := start(t, synth.Tiny(1), workspace.Faults{APIs: map[string]workspace.APIFaults{"gmail": {RateLimit: 1, RetryAfter: 7}}})
	ctx := context.Background()
	svc, _ := gmail.NewService(ctx, clientOpts(t, s, "gmail", "admin@example.com")...)
	_, err := svc.Users.Labels.List("me").Do()
	wantAPIError(t, err, 429, "rateLimitExceeded")
	hc, _ := s.HTTPClient(ctx, "admin@example.com")
	if res := get(t, hc, s.URL()+"/gmail/v1/users/me/labels"); res.Header.Get("Retry-After") != "7" {
		t.Errorf("Retry-After %q, want 7", res.Header.Get("Retry-After"))
	}

	body := `{"apis":{"drive":{"user_rate_limit":1,"retry_after_seconds":3}}}`
	req, _ := http.NewRequest("PUT", s.URL()+"/emulator/faults", strings.NewReader(body))
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 200 {
		t.Fatalf("PUT /emulator/faults: %v %v", err, res)
	}
	dsvc, _ := drive.NewService(ctx, clientOpts(t, s, "drive", "admin@example.com")...)
	_, err = dsvc.Files.List().Do()
	wantAPIError(t, err, 403, "userRateLimitExceeded")
	if _, err := svc.Users.Labels.List("me").Do(); err != nil {
		t.Errorf("gmail still failing after the faults were replaced: %v", err)
	}
}

func TestServerErrorsTruncationAndLatency(t *testing.T) {
	t.Parallel()
	s := start(t, synth.Tiny(1), workspace.Faults{APIs: map[string]workspace.APIFaults{
		"directory": {ServerError: 1}, "gmail": {Truncate: 1}, "people": {Latency: workspace.Duration(150 * time.Millisecond)}}})
	ctx := context.Background()
	hc, _ := s.HTTPClient(ctx, "admin@example.com")
	codes := map[int]bool{}
	for range 4 {
		codes[get(t, hc, s.URL()+"/admin/directory/v1/users?customer=my_customer").StatusCode] = true
	}
	if !codes[500] || !codes[503] || len(codes) != 2 {
		t.Errorf("server errors %v, want 500 and 503", codes)
	}
	svc, _ := gmail.NewService(ctx, clientOpts(t, s, "gmail", "admin@example.com")...)
	if _, err := svc.Users.Messages.List("me").Do(); err == nil {
		t.Error("a truncated body decoded")
	}
	t0 := time.Now()
	get(t, hc, s.URL()+"/v1/contactGroups")
	if d := time.Since(t0); d < 150*time.Millisecond {
		t.Errorf("people answered in %v despite 150ms latency", d)
	}
}

// The n-th request meets the same fault for the same seed.
func TestFaultsAreRepeatable(t *testing.T) {
	t.Parallel()
	seq := func() []int {
		s := start(t, synth.Tiny(9), workspace.Faults{APIs: map[string]workspace.APIFaults{"directory": {RateLimit: 0.2, ServerError: 0.1}}})
		hc, _ := s.HTTPClient(context.Background(), "admin@example.com")
		var out []int
		for range 100 {
			out = append(out, get(t, hc, s.URL()+"/admin/directory/v1/customers/my_customer").StatusCode)
		}
		return out
	}
	a, b := seq(), seq()
	failed := 0
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("request %d: %d then %d", i, a[i], b[i])
		}
		if a[i] != 200 {
			failed++
		}
	}
	if failed < 15 || failed > 45 {
		t.Errorf("%d of 100 requests failed, want about 30", failed)
	}
}

func TestFailItemsAlwaysFailAndAreMarkedInTheTruth(t *testing.T) {
	t.Parallel()
	org, _ := synth.New(synth.Tiny(1))
	file, msg := org.File(synth.Owner{Index: 1}, 3), org.MessageID(1, 2)
	s := start(t, synth.Tiny(1), workspace.Faults{FailItems: []string{file.ID, msg}})
	ctx := context.Background()
	user := org.Users()[1].Email
	dsvc, _ := drive.NewService(ctx, clientOpts(t, s, "drive", user)...)
	for range 3 {
		_, err := dsvc.Files.Get(file.ID).Download()
		wantAPIError(t, err, 403, "cannotDownloadFile")
	}
	gsvc, _ := gmail.NewService(ctx, clientOpts(t, s, "gmail", user)...)
	_, err := gsvc.Users.Messages.Get("me", msg).Format("raw").Do()
	wantAPIError(t, err, 500, "backendError")
	marked := map[string]bool{}
	for it := range s.Truth(user) {
		if it.AlwaysFails && !trap(s.Org(), it.ItemID) {
			marked[it.ItemID] = true
		}
	}
	if len(marked) != 2 || !marked[file.ID] || !marked[msg] {
		t.Errorf("truth marks %v as always failing, want %s and %s", marked, file.ID, msg)
	}
}

func TestTruthEndpoint(t *testing.T) {
	t.Parallel()
	s := start(t, synth.Tiny(1), workspace.Faults{})
	res, err := http.Get(s.URL() + "/emulator/truth")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var accounts []map[string]any
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		var a map[string]any
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatal(err)
		}
		accounts = append(accounts, a)
	}
	if len(accounts) != 6+3+2+2+2+1 { // users, groups, shared drives, resources, chat spaces, vault
		t.Fatalf("%d accounts, want 16", len(accounts))
	}
	user := s.Org().Users()[1].Email
	res2, err := http.Get(s.URL() + "/emulator/truth/" + user)
	if err != nil {
		t.Fatal(err)
	}
	defer res2.Body.Close()
	var served []synth.TruthItem
	dec := json.NewDecoder(res2.Body)
	for dec.More() {
		var it synth.TruthItem
		if err := dec.Decode(&it); err != nil {
			t.Fatal(err)
		}
		served = append(served, it)
	}
	i := 0
	for it := range s.Truth(user) {
		if i >= len(served) || served[i] != it {
			t.Fatalf("item %d: served %+v, Truth %+v", i, served[min(i, len(served)-1)], it)
		}
		i++
	}
	if i != len(served) || i < 20 {
		t.Errorf("endpoint served %d items, Truth has %d", len(served), i)
	}
}
