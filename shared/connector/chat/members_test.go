package chat_test

import (
	"context"
	"encoding/json"
	"path"
	"strings"
	"testing"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/connector/chat"
	"github.com/orgexport/orgexport/shared/connector/connectortest"
)

// The administrator's members.list shows members by resource name only
// (no email for a caller outside the space): the connector resolves them
// through the Directory, so group_info.json names every member by email.
func TestSpaceMembersAreResolvedThroughTheDirectory(t *testing.T) {
	env := connectortest.Start(t, synth.Tiny(1))
	org := env.Server.Org()
	c := chat.New(env.Factory, chat.Options{})
	checked := 0
	for _, a := range env.Accounts() {
		sp, ok := org.SpaceByName(a.ID)
		if a.Kind != chat.KindSpace || !ok || sp.Orphaned || sp.Joined(0) {
			continue
		}
		r, err := connectortest.ExportAll(context.Background(), c, a, nil)
		if err != nil {
			t.Fatalf("%s: %v", a.ID, err)
		}
		for _, e := range r.Entries() {
			if path.Base(e.Path) != "group_info.json" {
				continue
			}
			var g chat.GroupInfo
			if err := json.Unmarshal(e.Data, &g); err != nil {
				t.Fatal(err)
			}
			want := map[string]bool{}
			for _, m := range sp.Members {
				want[org.Users()[m].Email] = true
			}
			for _, m := range g.Members {
				if !want[m.Email] || strings.HasPrefix(m.Name, "users/") {
					t.Errorf("%s: member %+v, want a member's email and name", a.ID, m)
				}
			}
			if len(g.Members) != len(sp.Members) {
				t.Errorf("%s: %d members, want %d", a.ID, len(g.Members), len(sp.Members))
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("no space without the admin was exported")
	}
}
