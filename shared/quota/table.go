package quota

import (
	"math"
	"time"
)

// API names, as shared/delegation names the APIs it makes clients for.
const (
	Gmail          = "gmail"
	Drive          = "drive"
	Calendar       = "calendar"
	People         = "people"
	Directory      = "directory"
	Chat           = "chat"
	Tasks          = "tasks"
	Keep           = "keep"
	Classroom      = "classroom"
	GroupsSettings = "groupssettings"
	Vault          = "vault"
	Reports        = "reports"
	IAMCredentials = "iamcredentials"
)

// Rate is N units (requests, or an API's quota units) per window Per.
// The zero Rate means no limit is known.
type Rate struct {
	N   int
	Per time.Duration
}

// PerSecond is the rate's units per second (0 for the zero Rate).
func (r Rate) PerSecond() float64 {
	if r.N <= 0 || r.Per <= 0 {
		return 0
	}
	return float64(r.N) / r.Per.Seconds()
}

// Known reports whether the rate limits anything.
func (r Rate) Known() bool { return r.N > 0 && r.Per > 0 }

// paced reports whether the rate is one the pacer spreads calls under: a
// window of at most an hour. A daily quota is a volume, not a rate (a
// small organisation may spend its share in a minute); the estimate
// weighs it, and Google's refusals past it are retried.
func (r Rate) paced() bool { return r.Known() && r.Per <= time.Hour }

// Limit is what Google allows of one API.
type Limit struct {
	// Title is the API's name as Google writes it.
	Title string
	// PerProject is the Cloud project's quota, PerUser each user's (the
	// subject of a delegated token) within the project.
	PerProject, PerUser Rate
	// Units says what is counted: "requests", or "quota units" with
	// Costs giving each method's units (methods absent cost DefaultCost).
	Units       string
	Costs       map[string]int
	DefaultCost int
	// Shared: every exported account calls the API, so its project quota
	// is shared by ConcurrentAccounts. The others (Directory, Groups
	// Settings, Vault, Reports) are called by one invocation at a time
	// per export (enumeration, the customer account, the estimate) and
	// may use the whole of it.
	Shared bool
	// Published is false when Google publishes no number: the rates
	// are then zero and the API is paced only by Google's refusals.
	Published bool
	// Source is the page the numbers were read from; Note says what
	// else matters (other limits, what was chosen and why).
	Source, Note string
}

// Cost is the units a call of method (the discovery id's last parts,
// "users.messages.get") costs.
func (l Limit) Cost(method string) int {
	if c, ok := l.Costs[method]; ok {
		return c
	}
	return max(1, l.DefaultCost)
}

// Table is every API's Limit and the policy that shares them out.
type Table struct {
	Limits map[string]Limit
	// ConcurrentAccounts is how many accounts are exported at once
	// across the project: the export-accounts queue's
	// max_concurrent_dispatches.
	ConcurrentAccounts int
	// Ramp is how long the queue takes to reach ConcurrentAccounts from
	// idle: max_dispatches_per_second = ConcurrentAccounts / Ramp, so a
	// burst of accounts reaches the per-minute windows gradually.
	Ramp time.Duration
	// Headroom is the share of every limit planned for (0.8).
	Headroom float64
	// Latency is the planning time of one call, from which Workers
	// follows (how many calls keep an account's rate busy).
	Latency time.Duration
	// MaxWorkers caps Workers: a connector holds at most this many items
	// in memory at once (Gmail messages can be 50 MB each).
	MaxWorkers int
}

// Budget is what one account may spend on an API: Rate units per second
// with bursts up to Burst units; zero Rate means unpaced.
type Budget struct {
	Rate  float64
	Burst float64
	// Cost is the units of a call of a method (see Limit.Cost).
	Cost func(method string) int
}

// PerAccount is one account's budget for api: the smaller of its user's
// quota and its share of the project's (all of it for an API that is not
// Shared), times Headroom. The
// burst is one second of the rate (at least one call of the dearest
// method), so ConcurrentAccounts bursts at once stay within the
// headroom of a one-minute window.
func (t Table) PerAccount(api string) Budget {
	l, ok := t.Limits[api]
	if !ok || !l.Published {
		return Budget{}
	}
	n := 1.0
	if l.Shared {
		n = float64(max(1, t.ConcurrentAccounts))
	}
	rate := math.Inf(1)
	if l.PerProject.paced() {
		rate = l.PerProject.PerSecond() / n
	}
	if l.PerUser.paced() {
		rate = min(rate, l.PerUser.PerSecond())
	}
	if math.IsInf(rate, 1) {
		return Budget{}
	}
	rate *= t.Headroom
	burst := rate
	for _, c := range l.Costs {
		burst = max(burst, float64(c))
	}
	return Budget{Rate: rate, Burst: max(burst, float64(l.Cost(""))), Cost: l.Cost}
}

// Workers is how many calls of api one account keeps in flight: enough
// to spend its budget at the planning latency, at least 1 and at most
// MaxWorkers. For an API counted in units it is calls of the method
// costing DefaultCost.
func (t Table) Workers(api string) int {
	b := t.PerAccount(api)
	if b.Rate == 0 {
		return 1
	}
	calls := b.Rate / float64(b.Cost("")) * t.Latency.Seconds()
	return min(max(1, int(math.Ceil(calls))), max(1, t.MaxWorkers))
}

// Queue is a Cloud Tasks queue's rate_limits.
type Queue struct {
	MaxDispatchesPerSecond  float64
	MaxConcurrentDispatches int
}

// AccountsQueue is the export-accounts queue's rate_limits: accounts run
// ConcurrentAccounts at once and start at most ConcurrentAccounts per
// Ramp. Every start mints one token for every scope (one signJwt), or,
// where the delegation lacks a scope, one per API the account's
// connectors use (package delegation); the rate is planned for the
// latter, so it fits IAM Credentials' quota either way.
func (t Table) AccountsQueue() Queue {
	rate := float64(t.ConcurrentAccounts) / t.Ramp.Seconds()
	if l := t.Limits[IAMCredentials]; l.PerProject.paced() {
		rate = min(rate, l.PerProject.PerSecond()*t.Headroom/float64(len(tokenAPIs)))
	}
	return Queue{MaxDispatchesPerSecond: rate, MaxConcurrentDispatches: t.ConcurrentAccounts}
}

// tokenAPIs are the APIs a user account's export mints a token for when
// the token for every scope is refused, one signJwt each (a token lives
// an hour, longer than most accounts take).
var tokenAPIs = []string{Gmail, Drive, Calendar, People, Tasks, Keep, Chat, Classroom}
