package quota_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/orgexport/orgexport/shared/quota"
)

// Every API an export calls has an entry that names where its numbers
// come from, or says that Google publishes none.
func TestEveryAPIHasASourcedLimit(t *testing.T) {
	apis := []string{quota.Gmail, quota.Drive, quota.Calendar, quota.People, quota.Directory, quota.Chat,
		quota.Tasks, quota.Keep, quota.Classroom, quota.GroupsSettings, quota.Vault, quota.Reports, quota.IAMCredentials}
	for _, api := range apis {
		l, ok := quota.Default.Limits[api]
		if !ok {
			t.Errorf("%s: no limit", api)
			continue
		}
		if !strings.HasPrefix(l.Source, "https://") || l.Note == "" || l.Title == "" {
			t.Errorf("%s: source %q, note %q: want a page and a note", api, l.Source, l.Note)
		}
		if l.Published != (l.PerProject.Known() || l.PerUser.Known()) {
			t.Errorf("%s: published %v but rates %+v %+v", api, l.Published, l.PerProject, l.PerUser)
		}
		if !l.Published && !strings.Contains(l.Note+l.Source, "no") {
			t.Errorf("%s: unpublished, and the note does not say so", api)
		}
	}
}

// The accounts running at once never plan for more than Headroom of a
// project's quota, nor one account for more than its user's.
func TestSharesStayWithinTheQuotas(t *testing.T) {
	tb := quota.Default
	for api, l := range tb.Limits {
		n := float64(tb.ConcurrentAccounts)
		b := tb.PerAccount(api)
		if !l.Published {
			if b.Rate != 0 {
				t.Errorf("%s: unpublished yet paced at %v/s", api, b.Rate)
			}
			continue
		}
		if l.PerProject.Per > time.Hour {
			if b.Rate != 0 {
				t.Errorf("%s: a daily quota is paced at %v/s", api, b.Rate)
			}
			continue
		}
		if b.Rate <= 0 {
			t.Errorf("%s: no budget", api)
		}
		if !l.Shared {
			n = 1
		}
		if l.PerProject.Known() && b.Rate*n > tb.Headroom*l.PerProject.PerSecond()*1.0001 {
			t.Errorf("%s: %d accounts × %.2f/s exceed %.0f%% of the project's %.2f/s", api, tb.ConcurrentAccounts, b.Rate, tb.Headroom*100, l.PerProject.PerSecond())
		}
		if l.PerUser.Known() && b.Rate > l.PerUser.PerSecond() {
			t.Errorf("%s: %.2f/s exceeds the user's %.2f/s", api, b.Rate, l.PerUser.PerSecond())
		}
	}
}

func TestGmailIsCountedInUnits(t *testing.T) {
	b := quota.Default.PerAccount(quota.Gmail)
	// min(1,200,000/min ÷ 50, 6,000/min) × 0.8 = 80 units/s.
	if math.Abs(b.Rate-80) > 1e-9 {
		t.Errorf("gmail budget %.3f units/s, want 80", b.Rate)
	}
	if b.Cost("users.messages.get") != 5 || b.Cost("users.labels.list") != 1 || b.Cost("users.threads.get") != 10 {
		t.Errorf("gmail costs: get %d, labels %d, threads %d", b.Cost("users.messages.get"), b.Cost("users.labels.list"), b.Cost("users.threads.get"))
	}
	if w := quota.Default.Workers(quota.Gmail); w != 4 {
		t.Errorf("gmail workers %d, want 4 (16 messages/s × 200 ms, capped at 4)", w)
	}
}

func TestAccountsQueue(t *testing.T) {
	q := quota.Default.AccountsQueue()
	if q.MaxConcurrentDispatches != 50 || q.MaxDispatchesPerSecond != 5 {
		t.Errorf("accounts queue %+v, want 5/s and 50 at once", q)
	}
}
