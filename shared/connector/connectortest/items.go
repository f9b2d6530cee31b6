package connectortest

import (
	"context"
	"slices"
	"testing"

	"github.com/orgexport/orgexport/shared/connector"
)

// NoSuchItem is an item id no product has: a connector asked for it by id
// must record it as deleted since the export.
const NoSuchItem = "orgexport-item-deleted-since-the-export"

// byID checks connector.ItemExporter (R16): asked for some items by id,
// with a cut at every checkpoint, a connector exports exactly those, each
// once, at the path and with the bytes a whole export gives it, and
// records an id that no longer exists as deleted, not as failed.
func byID(t *testing.T, env *Env, newConnector func() connector.Connector, accounts []connector.Account) {
	c := newConnector()
	// An account where every other item makes two or more, so that some
	// items are asked for and some not; else one with at least one.
	for _, least := range []int{2, 1} {
		for _, a := range accounts {
			var want []string
			for i, it := range env.Truth(a, c.Product()) {
				if i%2 == 0 && !it.AlwaysFails && len(want) < 6 {
					want = append(want, it.ItemID)
				}
			}
			if len(want) >= least {
				someByID(t, newConnector, a, want)
				return
			}
		}
	}
	t.Fatalf("%s: no account with items to ask for by id", c.Product())
}

// someByID asks for want and one id that does not exist.
func someByID(t *testing.T, newConnector func() connector.Connector, a connector.Account, want []string) {
	whole := exportAll(t, newConnector(), a, nil)
	r, err := ExportItems(context.Background(), newConnector().(connector.ItemExporter), a,
		append(slices.Clone(want), NoSuchItem), func(int, string) bool { return true })
	if err != nil {
		t.Fatalf("export items of %s: %v", a.ID, err)
	}
	got := r.Items()
	for _, id := range want {
		if got[id] != 1 {
			t.Errorf("%s: %s exported %d times, want once", a.ID, id, got[id])
		}
	}
	for id := range got {
		if !slices.Contains(want, id) {
			t.Errorf("%s: %s exported, but was not asked for", a.ID, id)
		}
	}
	deleted := 0
	for _, f := range r.Failures() {
		switch {
		case f.ItemID == NoSuchItem && f.Deleted:
			deleted++
		default:
			t.Errorf("%s: failure %+v, want only %s as deleted", a.ID, f, NoSuchItem)
		}
	}
	if deleted != 1 {
		t.Errorf("%s: %s recorded as deleted %d times, want once", a.ID, NoSuchItem, deleted)
	}
	samePlaces(t, a, whole, r)
	if dup := r.duplicatePaths(); len(dup) > 0 {
		t.Errorf("%s: entry paths written twice: %q", a.ID, dup)
	}
}

// samePlaces checks that each entry holding one item is where, and what,
// the whole export wrote for it.
func samePlaces(t *testing.T, a connector.Account, whole, some *Result) {
	t.Helper()
	at := map[string]*Entry{}
	for _, e := range whole.Entries() {
		if e.ItemID != "" {
			at[e.ItemID] = e
		}
	}
	for _, e := range some.Entries() {
		if e.ItemID == "" {
			continue
		}
		w := at[e.ItemID]
		switch {
		case w == nil:
			t.Errorf("%s: %s is not in the whole export", a.ID, e.ItemID)
		case w.Path != e.Path:
			t.Errorf("%s: %s is at %q, but at %q in the whole export", a.ID, e.ItemID, e.Path, w.Path)
		case w.SHA256() != e.SHA256():
			t.Errorf("%s: %s has other bytes than in the whole export", a.ID, e.ItemID)
		}
	}
}
