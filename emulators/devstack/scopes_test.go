package devstack_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/devstack"
	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/zipname"
)

// TestAMissingScopeFailsOnlyItsProduct leaves Keep's scope out of the
// organisation's domain-wide delegation: the export completes, report.json
// lists Keep as unsupported with the fix, and every other product's items
// are in the archive.
func TestAMissingScopeFailsOnlyItsProduct(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the whole local stack")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	opts := synth.Tiny(23)
	opts.Now = time.Now().UTC().Truncate(time.Second)
	// An organisation without Vault: its suspended user's mail cannot be
	// read at all, and is listed as not available with the reason.
	opts.Vault = false
	org := mustOrg(t, opts)
	dir := t.TempDir()
	s, err := devstack.Start(ctx, devstack.Options{Dir: filepath.Join(dir, "stack"), Org: org, Hold: 2 * time.Second, PartSize: "1MiB"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	keep := "https://www.googleapis.com/auth/keep.readonly"
	if err := s.Workspace.SetFaults(workspace.Faults{MissingScopes: []string{keep}}); err != nil {
		t.Fatal(err)
	}
	admin := "admin@" + org.Customer().Domain
	id := startExport(ctx, t, s, admin)
	state, cutOff := waitDone(ctx, t, s, admin, id)
	if !state.Done() {
		t.Fatalf("export ended %s", state)
	}
	root := filepath.Join(dir, "archive")
	mirror(ctx, t, s, org.Customer().ID+"/"+id+"/", root)

	b, err := os.ReadFile(filepath.Join(root, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Unsupported []struct {
			Product  export.Product `json:"product"`
			DataType string         `json:"data_type"`
			Reason   string         `json:"reason"`
		} `json:"unsupported"`
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	want := "domain-wide delegation lacks scope " + keep + " for client id " + s.Workspace.DelegationClientID() +
		" — add it in Admin console → Security → API controls"
	found := false
	for _, u := range rep.Unsupported {
		found = found || (u.Product == export.Keep && u.DataType == "" && u.Reason == want)
		if strings.Contains(u.Reason, "domain-wide delegation lacks") && u.Product != export.Keep {
			t.Errorf("%s is unsupported for a missing scope: %s", u.Product, u.Reason)
		}
	}
	if !found {
		t.Fatalf("report.json does not list Keep as unsupported with %q: %+v", want, rep.Unsupported)
	}

	checkSuspended(t, s, root, cutOff, false)

	// Every other product's items are exported; Keep's are not there;
	// nothing is there that is not in the truth.
	others := 0
	for _, acct := range s.Workspace.Accounts() {
		folder := filepath.Join(root, acct.Type.Folder(), zipname.Sanitize(acct.ID))
		if _, err := os.Stat(folder); err != nil {
			continue // excluded by the cut-off, or nothing to export
		}
		got := readAccount(t, folder)
		want := map[string]bool{}
		for it := range s.Workspace.Truth(acct.ID) {
			want[it.ItemID] = true
			_, asEntry := got.entries[it.ItemID]
			held := asEntry || got.items[it.ItemID]
			switch {
			case it.Product == export.Keep && held:
				t.Errorf("%s: Keep item %s exported without its scope", acct.ID, it.ItemID)
			case it.Product != export.Keep && !held:
				t.Errorf("%s: %s item %s (%s) missing: %s", acct.ID, it.Product, it.ItemID, it.Name, got.failures[it.ItemID])
			case it.Product != export.Keep:
				others++
			}
		}
		for id := range got.entries {
			if !want[id] {
				t.Errorf("%s: the archive holds %s, which the source does not", acct.ID, id)
			}
		}
		for id := range got.items {
			if !want[id] {
				t.Errorf("%s: the archive holds item %s, which the source does not", acct.ID, id)
			}
		}
	}
	if others == 0 {
		t.Fatal("nothing of the other products was exported")
	}
}
