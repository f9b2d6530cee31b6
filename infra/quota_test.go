package infra

import (
	"strconv"
	"testing"

	"github.com/orgexport/orgexport/shared/config"
	"github.com/orgexport/orgexport/shared/quota"
)

// The export-accounts queue dispatches as the quota table plans
// (shared/quota): as many accounts at once as the pacer divides each
// project quota by, started no faster than the table's ramp allows. A
// change of either side alone fails here.
func TestAccountsQueueFollowsTheQuotaTable(t *testing.T) {
	m := loadModule(t, nil)
	want := quota.Default.AccountsQueue()
	for _, q := range m.all("google_cloud_tasks_queue") {
		if str(q.value, "name") != config.DefaultAccountsQueue {
			continue
		}
		rate, err := strconv.ParseFloat(str(q.value, "rate_limits", 0, "max_dispatches_per_second"), 64)
		if err != nil || rate != want.MaxDispatchesPerSecond {
			t.Errorf("%s: max_dispatches_per_second %q, the quota table plans %v", config.DefaultAccountsQueue,
				str(q.value, "rate_limits", 0, "max_dispatches_per_second"), want.MaxDispatchesPerSecond)
		}
		if got := num(q.value, "rate_limits", 0, "max_concurrent_dispatches"); got != int64(want.MaxConcurrentDispatches) {
			t.Errorf("%s: max_concurrent_dispatches %d, the quota table plans %d (quota.Default.ConcurrentAccounts)",
				config.DefaultAccountsQueue, got, want.MaxConcurrentDispatches)
		}
		return
	}
	t.Fatalf("no queue %s", config.DefaultAccountsQueue)
}

// Every function that makes Workspace clients paces each account's calls
// to its share of the quotas: one of as many as the accounts queue runs
// at once.
func TestFunctionsPaceForTheQueuesConcurrency(t *testing.T) {
	m := loadModule(t, nil)
	want := strconv.Itoa(quota.Default.AccountsQueue().MaxConcurrentDispatches)
	for name, d := range deployedFunctions(t, m) {
		if _, ok := d.env["ORGEXPORT_DELEGATION_SERVICE_ACCOUNT"]; !ok {
			continue
		}
		if got := d.env["ORGEXPORT_ACCOUNTS_CONCURRENCY"]; got != want {
			t.Errorf("%s: ORGEXPORT_ACCOUNTS_CONCURRENCY %q, want the accounts queue's %s", name, got, want)
		}
	}
}
