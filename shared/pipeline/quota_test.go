package pipeline_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/testenv"
	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/blob"
	"github.com/orgexport/orgexport/shared/config"
	"github.com/orgexport/orgexport/shared/delegation"
	"github.com/orgexport/orgexport/shared/directory"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/pipeline"
	"github.com/orgexport/orgexport/shared/quota"
	"github.com/orgexport/orgexport/shared/store"
	"github.com/orgexport/orgexport/shared/wire"
)

// burstTable is the quota table of the burst test: Google's shape (per
// project and per user, Gmail in units) with limits small enough that an
// unpaced export of the test organisation exceeds them, and a "minute"
// of window (6 s unless ORGEXPORT_QUOTA_MINUTE says otherwise) so the
// test runs several windows in half a minute.
func burstTable(window time.Duration) quota.Table {
	t := quota.Default
	t.ConcurrentAccounts = 8
	lim := func(api string, project, user int) {
		l := t.Limits[api]
		l.PerProject, l.PerUser = quota.Rate{}, quota.Rate{}
		if project > 0 {
			l.PerProject = quota.Rate{N: project, Per: window}
		}
		if user > 0 {
			l.PerUser = quota.Rate{N: user, Per: window}
		}
		l.Published = project > 0 || user > 0
		t.Limits = cloneLimits(t.Limits)
		t.Limits[api] = l
	}
	lim(quota.Gmail, 800, 200)
	lim(quota.Drive, 160, 60)
	lim(quota.Calendar, 120, 30)
	lim(quota.People, 120, 30)
	lim(quota.Chat, 120, 0)
	lim(quota.Classroom, 120, 40)
	lim(quota.Directory, 0, 240)
	return t
}

func cloneLimits(m map[string]quota.Limit) map[string]quota.Limit {
	out := make(map[string]quota.Limit, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// emulatorQuotas are the same limits as the emulator enforces them.
func emulatorQuotas(t quota.Table) map[string]workspace.Quota {
	out := map[string]workspace.Quota{}
	for _, api := range []string{quota.Gmail, quota.Drive, quota.Calendar, quota.People, quota.Chat, quota.Classroom, quota.Directory} {
		l := t.Limits[api]
		q := workspace.Quota{PerProject: l.PerProject.N, PerUser: l.PerUser.N, Window: workspace.Duration(max(l.PerProject.Per, l.PerUser.Per))}
		out[api] = q
	}
	return out
}

// A burst of accounts against a project whose quotas bind: paced by the
// quota table, after the first window fewer than 1 % of calls are
// refused and every account finishes with nothing failed; unpaced, the
// same burst is refused far more (the quotas do bind).
func TestBurstOfAccountsUnderEnforcedQuotas(t *testing.T) {
	window := 6 * time.Second
	if v := os.Getenv("ORGEXPORT_QUOTA_MINUTE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatal(err)
		}
		window = d
	}
	tbl := burstTable(window)
	t.Run("paced", func(t *testing.T) {
		ws, accounts, elapsed := burst(t, tbl, &tbl, 0)
		first, rest := refusals(ws.QuotaSeconds(), window)
		t.Logf("paced: %d accounts in %v; first window %s; after it %s; by API %v", accounts, elapsed.Round(time.Millisecond), first, rest, byAPI(ws.QuotaSeconds()))
		if rest.rate() >= 0.01 {
			t.Errorf("after the first window %s of calls were refused for quota, want < 1%%", rest)
		}
	})
	t.Run("unpaced", func(t *testing.T) {
		if testing.Short() {
			t.Skip("shows that the quotas bind; not needed in -short")
		}
		none := quota.Table{}
		ws, _, _ := burst(t, tbl, &none, 3*window)
		first, rest := refusals(ws.QuotaSeconds(), window)
		t.Logf("unpaced (stopped after 3 windows): first window %s; after it %s; by API %v", first, rest, byAPI(ws.QuotaSeconds()))
		if first.rate()+rest.rate() < 0.05 {
			t.Errorf("unpaced, only %s / %s were refused: the test's quotas do not bind", first, rest)
		}
	})
}

type tally struct{ served, refused int }

func byAPI(secs []workspace.QuotaSecond) map[string]tally {
	out := map[string]tally{}
	for _, s := range secs {
		c := out[s.API]
		c.served += s.Served
		c.refused += s.Refused
		out[s.API] = c
	}
	return out
}

func (c tally) rate() float64 {
	if c.served+c.refused == 0 {
		return 0
	}
	return float64(c.refused) / float64(c.served+c.refused)
}

func (c tally) String() string {
	return fmt.Sprintf("%d/%d refused (%.2f%%)", c.refused, c.served+c.refused, 100*c.rate())
}

// refusals splits the emulator's per-second tallies into the first
// window and the rest.
func refusals(secs []workspace.QuotaSecond, window time.Duration) (first, rest tally) {
	if len(secs) == 0 {
		return
	}
	start := secs[0].Second
	for _, s := range secs {
		c := &rest
		if s.Second.Sub(start) < window {
			c = &first
		}
		c.served += s.Served
		c.refused += s.Refused
	}
	return
}

// burst exports an organisation of 16 small users (and its groups,
// shared drives, resources, spaces) through the real pipeline and
// connectors, ConcurrentAccounts tasks at once like the accounts queue,
// against an emulator enforcing enforced's quotas, with the pacer planning
// for paced's. stopAfter > 0 stops it then instead of requiring it to
// finish.
func burst(t *testing.T, enforced quota.Table, paced *quota.Table, stopAfter time.Duration) (*workspace.Server, int, time.Duration) {
	ctx := context.Background()
	env := testenv.Get(t)
	opt := synth.Tiny(7)
	opt.Users, opt.Now, opt.Vault, opt.Courses = 16, time.Now().UTC(), false, 1
	opt.Domain = fmt.Sprintf("burst%d.example.com", time.Now().UnixNano()%1e6)
	org, err := synth.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	ws, err := workspace.Start(workspace.Config{Org: org, Quotas: emulatorQuotas(enforced)}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	f, err := delegation.New(ctx, config.Workspace{Endpoint: ws.URL(), DelegationServiceAccount: ws.DelegationAccount()},
		delegation.Options{Quotas: paced})
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.New(ctx, env.Project)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	now := time.Now().UTC()
	admin := "admin@" + org.Customer().Domain
	id := fmt.Sprintf("burst-%d", now.UnixNano())
	e := &export.Export{ID: id, CustomerID: org.Customer().ID, Domain: org.Customer().Domain, State: export.OnHold,
		RequestedBy: admin, RequestedAt: now, HoldEnd: now, Prefix: org.Customer().ID + "/" + id + "/"}
	if err := st.Start(ctx, e, export.AuditEntry{At: now}, now); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	log := slog.New(slog.DiscardHandler)
	p := &pipeline.Pipeline{Store: st, Directory: directory.New(f), Tasks: rec, Events: rec, Requesters: stillAdmin{},
		Bucket: blob.NewMemory(), Connectors: wire.Connectors(f, log), Log: log, Budget: time.Hour, PartSize: 64 << 20}
	if err := p.Begin(ctx, export.BeginTask{CustomerID: e.CustomerID, ExportID: e.ID}); err != nil {
		t.Fatal(err)
	}
	runCtx := ctx
	if stopAfter > 0 {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeout(ctx, stopAfter)
		defer cancel()
	}
	start := time.Now()
	drain(runCtx, t, p, rec, enforced.ConcurrentAccounts)
	elapsed := time.Since(start)
	if stopAfter > 0 {
		return ws, 0, elapsed
	}
	n := 0
	for a, err := range st.Accounts(ctx, e.CustomerID, e.ID) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if a.State != export.AccountDone || a.FailedItems != 0 {
			t.Errorf("account %s: %s with %d failed items (%s)", a.Key, a.State, a.FailedItems, a.LastError)
		}
	}
	if n < opt.Users {
		t.Errorf("%d accounts, want at least the %d users", n, opt.Users)
	}
	return ws, n, elapsed
}

// drain runs the recorded account tasks, workers at a time, as the
// accounts queue dispatches them; a task that fails is run again, as
// Cloud Tasks retries it.
func drain(ctx context.Context, t *testing.T, p *pipeline.Pipeline, rec *recorder, workers int) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	busy := 0
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				task, ok := rec.next()
				if !ok {
					mu.Lock()
					idle := busy == 0
					mu.Unlock()
					if idle {
						return
					}
					time.Sleep(20 * time.Millisecond)
					continue
				}
				mu.Lock()
				busy++
				mu.Unlock()
				if err := p.Account(ctx, task); err != nil && ctx.Err() == nil {
					t.Logf("account %s: %v (retried)", task.AccountKey, err)
					_ = rec.Enqueue(context.Background(), export.Task{Body: task})
				}
				mu.Lock()
				busy--
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}
