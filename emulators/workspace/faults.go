package workspace

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// APIs are the fault-injection keys, one per emulated API.
var APIs = []string{"directory", "gmail", "drive", "calendar", "people", "tasks", "keep", "chat", "classroom", "groupssettings", "vault", "storage", "reports"}

// APIFaults are the faults of one API. Rates are shares of requests in [0,1].
type APIFaults struct {
	// RateLimit answers 429 rateLimitExceeded with Retry-After.
	RateLimit float64 `json:"rate_limit,omitempty"`
	// UserRateLimit answers 403 userRateLimitExceeded with Retry-After
	// (the status-shaped APIs, Chat, Keep, People, Classroom and Vault,
	// answer both limits 429 RESOURCE_EXHAUSTED with an ErrorInfo).
	UserRateLimit float64 `json:"user_rate_limit,omitempty"`
	// RetryAfter is the Retry-After header's seconds (default 1).
	RetryAfter int `json:"retry_after_seconds,omitempty"`
	// ServerError answers 500 backendError or 503, alternately.
	ServerError float64 `json:"server_error,omitempty"`
	// Truncate cuts the response body in the middle and drops the connection.
	Truncate float64 `json:"truncate,omitempty"`
	// Latency delays every response.
	Latency Duration `json:"latency,omitempty"`
}

// Faults configures fault injection.
type Faults struct {
	APIs map[string]APIFaults `json:"apis,omitempty"`
	// FailItems are item ids (Gmail message ids, Drive file ids) whose
	// content always fails: Drive answers 403 cannotDownloadFile, Gmail 500.
	FailItems []string `json:"fail_items,omitempty"`
	// DeletedItems are Gmail message ids that were deleted since an export:
	// messages.get answers 404 for them, as Gmail does for a deleted
	// message (a retry of what failed must list them as deleted, R16).
	// The list and the ground truth still hold them.
	DeletedItems []string `json:"deleted_items,omitempty"`
	// VaultExportDelay is how long a Vault export stays IN_PROGRESS after
	// its creation (by the emulator's clock, Config.Now); 0 completes it on
	// the first read.
	VaultExportDelay Duration `json:"vault_export_delay,omitempty"`
	// FailVaultCorpora are Vault corpora (MAIL, GROUPS, ...) whose exports
	// end FAILED, without files.
	FailVaultCorpora []string `json:"fail_vault_corpora,omitempty"`
	// CorruptObjects are Cloud Storage object names (Vault export files)
	// served with one byte changed, so the bytes miss their md5Hash.
	CorruptObjects []string `json:"corrupt_objects,omitempty"`

	// What the organisation or the project has not set up (scopes.go):
	//
	// MissingScopes are scopes the organisation's domain-wide delegation
	// entry lacks for the client id: a token request naming one is refused
	// whole with 401 unauthorized_client. Empty authorises every scope the
	// emulated APIs accept (Scopes).
	MissingScopes []string `json:"missing_scopes,omitempty"`
	// DisabledAPIs are APIs (keys of APIs) not enabled in the project: every
	// call answers 403 accessNotConfigured.
	DisabledAPIs []string `json:"disabled_apis,omitempty"`
	// NoChatApp: no Chat app is configured in the project, so every Chat
	// call answers 404 "Google Chat app not found".
	NoChatApp bool `json:"no_chat_app,omitempty"`
	// NoVaultPrivilege are administrators (emails) without the Vault
	// privileges: Vault answers them 403, as it answers everyone in an
	// organisation without Vault licences (synth Options.Vault false).
	NoVaultPrivilege []string `json:"no_vault_privilege,omitempty"`
	// ProductsOff turns products off for users (email → "gmail",
	// "calendar", "chat"), as an Admin console setting for their
	// organisational unit does: every call of that API by the user gets
	// Google's answer for it (products_off.go).
	ProductsOff map[string][]string `json:"products_off,omitempty"`
}

// Duration is a time.Duration written in JSON as "250ms".
type Duration time.Duration

// MarshalJSON writes the duration as a string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads "250ms" or a number of nanoseconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		var n int64
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("duration: %w", err)
		}
		*d = Duration(n)
		return nil
	}
	v, err := time.ParseDuration(s)
	*d = Duration(v)
	return err
}

func (f Faults) validate() error {
	if err := f.validateProductsOff(); err != nil {
		return err
	}
	for _, name := range f.DisabledAPIs {
		if !slices.Contains(APIs, name) {
			return fmt.Errorf("workspace emulator: faults: disabled_apis: unknown API %q", name)
		}
	}
	for _, sc := range f.MissingScopes {
		if _, ok := scopeIndex[sc]; !ok || sc == cloudPlatform {
			return fmt.Errorf("workspace emulator: faults: missing_scopes: %q is no scope of the emulated APIs", sc)
		}
	}
	for name, a := range f.APIs {
		if !slices.Contains(APIs, name) {
			return fmt.Errorf("workspace emulator: faults: unknown API %q", name)
		}
		if a.RateLimit+a.UserRateLimit+a.ServerError+a.Truncate > 1 || a.RateLimit < 0 || a.UserRateLimit < 0 || a.ServerError < 0 || a.Truncate < 0 {
			return fmt.Errorf("workspace emulator: faults: %s: rates must be ≥ 0 and sum to ≤ 1", name)
		}
	}
	return nil
}

// faultState holds the current faults and per-API request counters: the
// n-th request of an API meets the same fault for the same seed.
type faultState struct {
	seed  int64
	mu    sync.RWMutex
	cfg   Faults
	fail  map[string]bool
	gone  map[string]bool
	count map[string]*atomic.Uint64
}

func newFaultState(cfg Faults, seed int64) *faultState {
	f := &faultState{seed: seed, count: map[string]*atomic.Uint64{}}
	for _, a := range APIs {
		f.count[a] = new(atomic.Uint64)
	}
	f.set(cfg)
	return f
}

func (f *faultState) set(cfg Faults) {
	fail, gone := map[string]bool{}, map[string]bool{}
	for _, id := range cfg.FailItems {
		fail[id] = true
	}
	for _, id := range cfg.DeletedItems {
		gone[id] = true
	}
	f.mu.Lock()
	f.cfg, f.fail, f.gone = cfg, fail, gone
	f.mu.Unlock()
}

func (f *faultState) get() Faults {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.cfg
}

func (f *faultState) failing(id string) bool {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.fail[id]
}

// deleted reports whether the item was deleted since an export.
func (f *faultState) deleted(id string) bool {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.gone[id]
}

// faulty wraps an API handler with its faults.
func (s *Server) faulty(api string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a := s.faults.get().APIs[api]
		if a.Latency > 0 {
			t := time.NewTimer(time.Duration(a.Latency))
			select {
			case <-r.Context().Done():
				t.Stop()
				return
			case <-t.C:
			}
		}
		n := s.faults.count[api].Add(1)
		x := rand.New(rand.NewPCG(uint64(s.faults.seed), n^hashString(api))).Float64()
		retry := strconv.Itoa(max(1, a.RetryAfter))
		switch {
		case x < a.RateLimit+a.UserRateLimit && statusShaped[api]:
			// The status-shaped APIs answer every quota with 429
			// RESOURCE_EXHAUSTED and an ErrorInfo naming the limit.
			w.Header().Set("Retry-After", retry)
			s.injected(r, api, 429)
			limit := "ReadRequestsPerMinutePerProject"
			if x >= a.RateLimit {
				limit = "ReadRequestsPerMinutePerUser"
			}
			writeProblem(w, apiError{429, "rateLimitExceeded", "Quota exceeded for quota metric 'Read requests' and limit '" +
				limit + "' of service '" + apiTitles[api][1] + "' (emulated)."}, "RESOURCE_EXHAUSTED", []obj{quotaInfo(api, limit)})
		case x < a.RateLimit:
			w.Header().Set("Retry-After", retry)
			s.injected(r, api, 429)
			writeError(w, apiError{429, "rateLimitExceeded", "Quota exceeded for quota metric 'Queries' (emulated)."})
		case x < a.RateLimit+a.UserRateLimit:
			w.Header().Set("Retry-After", retry)
			s.injected(r, api, 403)
			writeError(w, apiError{403, "userRateLimitExceeded", "User Rate Limit Exceeded (emulated)."})
		case x < a.RateLimit+a.UserRateLimit+a.ServerError:
			code, reason := 500, "backendError"
			if n%2 == 0 {
				code, reason = 503, "backendError"
			}
			s.injected(r, api, code)
			writeError(w, apiError{code, reason, "Backend Error (emulated)."})
		case x < a.RateLimit+a.UserRateLimit+a.ServerError+a.Truncate:
			s.injected(r, api, -1)
			h(&truncating{ResponseWriter: w}, r)
		default:
			h(w, r)
		}
	}
}

// quotaInfo is the ErrorInfo detail of a quota error of a status-shaped API.
func quotaInfo(api, limit string) obj {
	return obj{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "RATE_LIMIT_EXCEEDED", "domain": "googleapis.com",
		"metadata": obj{"service": apiTitles[api][1], "quota_limit": limit, "consumer": "projects/" + projectNumber}}
}

func (s *Server) injected(r *http.Request, api string, code int) {
	s.log.Debug("fault injected", "api", api, "path", r.URL.Path, "status", code)
}

// truncating passes half of the declared body (or 256 bytes) and then
// aborts the connection.
type truncating struct {
	http.ResponseWriter
	left    int
	started bool
}

func (t *truncating) errorAPI() string { return errorAPI(t.ResponseWriter) }

func (t *truncating) WriteHeader(code int) {
	t.left = 256
	if n, err := strconv.Atoi(t.Header().Get("Content-Length")); err == nil {
		t.left = n / 2
	}
	t.started = true
	t.ResponseWriter.WriteHeader(code)
}

func (t *truncating) Write(p []byte) (int, error) {
	if !t.started {
		t.WriteHeader(http.StatusOK)
	}
	if len(p) <= t.left {
		t.left -= len(p)
		return t.ResponseWriter.Write(p)
	}
	_, _ = t.ResponseWriter.Write(p[:t.left])
	if f, ok := t.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
	panic(http.ErrAbortHandler)
}
