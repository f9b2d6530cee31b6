package workspace

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Quota is a rate quota the emulator enforces on one API, as Google does
// per Cloud project and per user within it: at most PerProject units
// over any Window (every call of every user of every organisation served
// counts: they share the delegation account's one project), and at most
// PerUser units per token subject. Zero means no such limit; Window
// defaults to a minute. The window slides in tenths, as Google's
// "sliding window" (Calendar) and "60-second moving average" (Classroom)
// do. Gmail's calls cost their method's quota units (gmailCosts), every
// other API's one request. A refused call costs nothing and is answered
// with the API's own quota error (quotaRefusal).
type Quota struct {
	PerProject int      `json:"per_project,omitempty"`
	PerUser    int      `json:"per_user,omitempty"`
	Window     Duration `json:"window,omitempty"`
}

// gmailCosts are Gmail's per-method quota units, from
// https://developers.google.com/workspace/gmail/api/reference/quota
// (methods absent cost 5, as most reads do).
var gmailCosts = map[string]int{
	"gmail.users.getProfile": 1, "gmail.users.labels.list": 1, "gmail.users.labels.get": 1,
	"gmail.users.history.list": 2, "gmail.users.messages.list": 5, "gmail.users.messages.get": 5,
	"gmail.users.messages.attachments.get": 5, "gmail.users.threads.list": 10, "gmail.users.threads.get": 10,
	"gmail.users.settings.filters.list": 1, "gmail.users.settings.sendAs.list": 1,
	"gmail.users.settings.forwardingAddresses.list": 1,
}

func validateQuotas(q map[string]Quota) error {
	for api, v := range q {
		if !slices.Contains(APIs, api) {
			return fmt.Errorf("workspace emulator: quotas: unknown API %q", api)
		}
		if v.PerProject < 0 || v.PerUser < 0 || v.Window < 0 {
			return fmt.Errorf("workspace emulator: quotas: %s: limits must be ≥ 0", api)
		}
	}
	return nil
}

// window counts units over a sliding window of ten slots.
type window struct {
	slot   time.Duration
	start  time.Time // start of the newest slot
	counts [10]int
	newest int
}

func (w *window) advance(now time.Time) {
	if w.start.IsZero() {
		w.start = now.Truncate(w.slot)
		return
	}
	for n := 0; now.Sub(w.start) >= w.slot && n < len(w.counts); n++ {
		w.start = w.start.Add(w.slot)
		w.newest = (w.newest + 1) % len(w.counts)
		w.counts[w.newest] = 0
	}
	if now.Sub(w.start) >= w.slot { // idle longer than the window
		w.start = now.Truncate(w.slot)
	}
}

func (w *window) sum() int {
	n := 0
	for _, c := range w.counts {
		n += c
	}
	return n
}

// QuotaSecond is what one API answered in one second of quota
// enforcement: calls served and calls refused for quota.
type QuotaSecond struct {
	API     string
	Second  time.Time
	Served  int
	Refused int
}

// quotaState is the project's quota windows and what they refused; every
// organisation's view shares it.
type quotaState struct {
	now    func() time.Time
	mu     sync.Mutex
	limits map[string]Quota
	wins   map[string]*window // "api" or "api user"
	stats  map[string]*QuotaSecond
}

func newQuotaState(limits map[string]Quota, now func() time.Time) *quotaState {
	return &quotaState{now: now, limits: limits, wins: map[string]*window{}, stats: map[string]*QuotaSecond{}}
}

// admit counts a call of cost units by user against api's quotas: "" if
// served, else the limit it is past ("project" or "user").
func (q *quotaState) admit(api, user string, cost int) string {
	q.mu.Lock()
	defer q.mu.Unlock()
	lim, ok := q.limits[api]
	if !ok {
		return ""
	}
	per := time.Duration(lim.Window)
	if per <= 0 {
		per = time.Minute
	}
	now := q.now()
	win := func(key string) *window {
		w := q.wins[key]
		if w == nil {
			w = &window{slot: per / 10}
			q.wins[key] = w
		}
		w.advance(now)
		return w
	}
	sec := now.Truncate(time.Second)
	st := q.stats[api+" "+sec.String()]
	if st == nil {
		st = &QuotaSecond{API: api, Second: sec}
		q.stats[api+" "+sec.String()] = st
	}
	var project, own *window
	if lim.PerProject > 0 {
		if project = win(api); project.sum()+cost > lim.PerProject {
			st.Refused++
			return "project"
		}
	}
	if lim.PerUser > 0 {
		if own = win(api + " " + strings.ToLower(user)); own.sum()+cost > lim.PerUser {
			st.Refused++
			return "user"
		}
	}
	for _, w := range []*window{project, own} {
		if w != nil {
			w.counts[w.newest] += cost
		}
	}
	st.Served++
	return ""
}

// QuotaSeconds are the calls served and refused per API and second since
// the server started, in time order (empty without Config.Quotas).
func (s *Server) QuotaSeconds() []QuotaSecond {
	q := s.quotas
	q.mu.Lock()
	defer q.mu.Unlock()
	out := make([]QuotaSecond, 0, len(q.stats))
	for _, st := range q.stats {
		out = append(out, *st)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Second.Equal(out[j].Second) {
			return out[i].Second.Before(out[j].Second)
		}
		return out[i].API < out[j].API
	})
	return out
}

// quotaLimited wraps api's handler with the project's quotas.
func (s *Server) quotaLimited(api string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		cost := 1
		if api == "gmail" {
			cost = 5
			if m := methods.Match(api, r.Method, strings.TrimPrefix(r.URL.EscapedPath(), "/")); m != nil {
				if c, ok := gmailCosts[m.ID]; ok {
					cost = c
				}
			}
		}
		if limit := s.quotas.admit(api, subject(r).Email, cost); limit != "" {
			s.injected(r, api, http.StatusTooManyRequests)
			quotaRefusal(w, api, limit)
			return
		}
		h(w, r)
	}
}

// quotaRefusal answers a call past a quota in the API's own words:
// the status-shaped APIs 429 RESOURCE_EXHAUSTED with an ErrorInfo naming
// the limit; Gmail, Drive, Calendar, Directory and Groups Settings 429
// with errors[].reason rateLimitExceeded (the project's) or
// userRateLimitExceeded (the user's). No Retry-After: Google sends none
// for these; clients back off exponentially.
func quotaRefusal(w http.ResponseWriter, api, limit string) {
	reason, metric := "rateLimitExceeded", "ReadRequestsPerMinutePerProject"
	if limit == "user" {
		reason, metric = "userRateLimitExceeded", "ReadRequestsPerMinutePerUser"
	}
	msg := "Quota exceeded for quota metric 'Queries' and limit '" + metric + "' of service '" + apiTitles[api][1] + "'."
	if statusShaped[api] {
		writeProblem(w, apiError{429, reason, msg}, "RESOURCE_EXHAUSTED", []obj{quotaInfo(api, metric)})
		return
	}
	writeError(w, apiError{429, reason, msg})
}
