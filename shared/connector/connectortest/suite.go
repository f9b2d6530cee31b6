package connectortest

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"testing"
	"time"

	emulator "github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/connector"
)

// Suite says what Run checks beyond the basics.
type Suite struct {
	// API is the emulator's fault key of the connector's API ("gmail").
	API string
	// FailItems: the emulator can make this product's items fail (Gmail
	// messages, Drive files), so Run checks that they are reported.
	FailItems bool
}

// Run checks a connector against the emulator's ground truth.
func Run(t *testing.T, env *Env, newConnector func() connector.Connector, s Suite) {
	c := newConnector()
	var accounts []connector.Account
	for _, a := range env.Accounts() {
		if c.Handles(a) {
			accounts = append(accounts, a)
		}
	}
	if len(accounts) == 0 {
		t.Fatalf("%s handles none of the organisation's accounts", c.Product())
	}
	t.Run("Complete", func(t *testing.T) {
		for _, a := range accounts {
			r := exportAll(t, newConnector(), a, nil)
			Check(t, env.Truth(a, c.Product()), r, a)
		}
	})
	t.Run("ResumeFromEveryCheckpoint", func(t *testing.T) {
		for _, a := range accounts {
			whole := exportAll(t, newConnector(), a, nil)
			cut := exportAll(t, newConnector(), a, func(int, string) bool { return true })
			Check(t, env.Truth(a, c.Product()), cut, a)
			if fmt.Sprint(sortedKeys(whole.Items())) != fmt.Sprint(sortedKeys(cut.Items())) {
				t.Errorf("%s: resumed export has other items than the whole one", a.ID)
			}
		}
	})
	t.Run("CancelStopsPromptly", func(t *testing.T) { cancelled(t, newConnector(), accounts[0]) })
	t.Run("RetriesRateLimitsAndServerErrors", func(t *testing.T) {
		env.SetFaults(t, emulator.Faults{APIs: map[string]emulator.APIFaults{s.API: {
			RateLimit: 0.1, UserRateLimit: 0.05, ServerError: 0.1, Truncate: 0.03}}})
		before := env.FaultsInjected()
		// Enough accounts for a few faults to have hit: at least two.
		for i, a := range accounts {
			if i >= 2 && env.FaultsInjected()-before >= 3 {
				break
			}
			Check(t, env.Truth(a, c.Product()), exportAll(t, newConnector(), a, nil), a)
		}
		injected := env.FaultsInjected() - before
		if injected == 0 {
			t.Fatal("the emulator injected no faults: nothing was tested")
		}
		t.Logf("exported completely through %d injected faults", injected)
	})
	if s.FailItems {
		t.Run("ReportsFailingItems", func(t *testing.T) { failing(t, env, newConnector, accounts[0]) })
	}
	_, items := c.(connector.ItemExporter)
	_, whole := c.(connector.Whole)
	switch {
	case items:
		t.Run("ExportsItemsByID", func(t *testing.T) { byID(t, env, newConnector, accounts) })
	case !whole:
		t.Errorf("%s is neither a connector.ItemExporter (a retry fetches its failed items by id) nor a connector.Whole (it says why it is retried whole)", c.Product())
	}
}

func exportAll(t *testing.T, c connector.Connector, a connector.Account, cut func(int, string) bool) *Result {
	t.Helper()
	r, err := ExportAll(context.Background(), c, a, cut)
	if errors.Is(err, connector.ErrUnsupported) && len(r.Entries()) == 0 {
		// Reported with its reason (an orphaned shared drive or space):
		// Check then finds every item of the truth missing, so this
		// passes only for an account the truth says nobody can read.
		t.Logf("%s of %s is unsupported: %v", c.Product(), a.ID, err)
		return r
	}
	if err != nil {
		t.Fatalf("export %s of %s: %v", c.Product(), a.ID, err)
	}
	return r
}

// Check compares an export with the truth: every item exported once (with
// the truth's checksum when the entry holds just that item) or, if it always
// fails, reported with a reason; nothing else; no path twice.
func Check(t testing.TB, truth []synth.TruthItem, r *Result, a connector.Account) {
	t.Helper()
	items := r.Items()
	failed := map[string]string{}
	for _, f := range r.Failures() {
		if f.Reason == "" {
			t.Errorf("%s: failure of %s has no reason", a.ID, f.ItemID)
		}
		failed[f.ItemID] = f.Reason
	}
	sums := map[string]string{}
	for _, e := range r.Entries() {
		if e.ItemID != "" {
			sums[e.ItemID] = e.SHA256()
		}
	}
	known := map[string]bool{}
	for _, it := range truth {
		known[it.ItemID] = true
		checkItem(t, a, it, items[it.ItemID], failed, sums)
	}
	for id, n := range items {
		if !known[id] {
			t.Errorf("%s: exported %s, which is not in the truth (%d times)", a.ID, id, n)
		}
	}
	for id, reason := range failed {
		if !known[id] {
			t.Errorf("%s: failure of %s, which is not in the truth: %s", a.ID, id, reason)
		}
	}
	if dup := r.duplicatePaths(); len(dup) > 0 {
		t.Errorf("%s: entry paths written twice: %q", a.ID, dup)
	}
}

func checkItem(t testing.TB, a connector.Account, it synth.TruthItem, n int, failed, sums map[string]string) {
	t.Helper()
	reason, didFail := failed[it.ItemID]
	switch {
	case it.AlwaysFails && !didFail:
		t.Errorf("%s: %s (%q) always fails but is not reported", a.ID, it.ItemID, it.Name)
	case it.AlwaysFails:
	case didFail:
		t.Errorf("%s: %s (%q) failed: %s", a.ID, it.ItemID, it.Name, reason)
	case n == 0:
		t.Errorf("%s: %s (%q) is missing", a.ID, it.ItemID, it.Name)
	case n > 1:
		t.Errorf("%s: %s (%q) exported %d times", a.ID, it.ItemID, it.Name, n)
	case it.SHA256 != "" && sums[it.ItemID] != "" && sums[it.ItemID] != it.SHA256:
		t.Errorf("%s: %s (%q) has other bytes than the source", a.ID, it.ItemID, it.Name)
	}
}

// cancelled cancels the context at the first entry: Export must return
// the context's error within a second.
func cancelled(t *testing.T, c connector.Connector, a connector.Account) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var at time.Time
	e := &Emitter{OnCreate: func() {
		if at.IsZero() {
			at = time.Now()
			cancel()
		}
	}}
	err := c.Export(ctx, a, "", e)
	if at.IsZero() {
		t.Fatalf("%s wrote nothing for %s", c.Product(), a.ID)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Export after cancel returned %v, want context.Canceled", err)
	}
	if d := time.Since(at); d > time.Second {
		t.Errorf("Export took %v to stop after cancel", d)
	}
}

// failing makes one item fail in the emulator: it must be reported with a
// reason, and everything else exported.
func failing(t *testing.T, env *Env, newConnector func() connector.Connector, a connector.Account) {
	c := newConnector()
	truth := env.Truth(a, c.Product())
	victim := truth[len(truth)/2].ItemID
	env.SetFaults(t, emulator.Faults{FailItems: []string{victim}})
	truth = env.Truth(a, c.Product())
	r := exportAll(t, c, a, nil)
	Check(t, truth, r, a)
	for _, f := range r.Failures() {
		if f.ItemID == victim {
			t.Logf("reported: %s: %s", f.ItemID, f.Reason)
		}
	}
}

func sortedKeys(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
