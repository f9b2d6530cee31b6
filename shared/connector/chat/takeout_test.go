package chat_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"testing"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/connector/chat"
	"github.com/orgexport/orgexport/shared/connector/connectortest"
	"github.com/orgexport/orgexport/shared/export"
)

// readTakeoutDates parses every created_date as the readers of Takeout's
// Chat files do (strptime "%A, %B %d, %Y at %I:%M:%S %p %Z") and prints
// them in ISO form, one per line.
const readTakeoutDates = `
import sys, json, datetime
for p in sys.argv[1:]:
    for m in json.load(open(p, encoding='utf-8'))['messages']:
        d = datetime.datetime.strptime(m['created_date'], '%A, %B %d, %Y at %I:%M:%S %p %Z')
        print(m['message_id'], d.strftime('%Y-%m-%dT%H:%M:%SZ'))
`

// A space's messages.json, group_info.json and the members' user_info.json
// carry Takeout's field names, ids and date layout: created_date reads back
// as the message's time; message_id is "<space>/<topic>/<message>"; a
// direct message's group_info has no name; user_info's group_id is the
// space's folder.
func TestTakeoutNamesIdsAndDates(t *testing.T) {
	env := connectortest.Start(t, synth.Tiny(3))
	org := env.Server.Org()
	c := chat.New(env.Factory, chat.Options{})
	a := env.Accounts()[1]
	r, err := connectortest.ExportAll(context.Background(), c, a, nil)
	if err != nil {
		t.Fatal(err)
	}
	folders := map[string]bool{}
	var msgs []*connectortest.Entry
	want := map[string]string{}
	for _, e := range r.Entries() {
		dir := path.Base(path.Dir(e.Path))
		switch path.Base(e.Path) {
		case "messages.json":
			folders[dir] = true
			msgs = append(msgs, e)
			id := dir[strings.LastIndex(dir, " ")+1:]
			sp, ok := org.SpaceByName("spaces/" + id)
			if !ok {
				t.Fatalf("no space %s", id)
			}
			for n := range org.ChatMessageCount(sp) {
				m := org.ChatMessage(sp, n)
				msgID := m.Name[strings.LastIndex(m.Name, "/")+1:]
				topic := m.Thread[strings.LastIndex(m.Thread, "/")+1:]
				want[sp.ID+"/"+topic+"/"+msgID] = m.Created.UTC().Format("2006-01-02T15:04:05Z")
			}
		case "group_info.json":
			var g map[string]any
			if err := json.Unmarshal(e.Data, &g); err != nil {
				t.Fatal(err)
			}
			if _, named := g["name"]; strings.HasPrefix(dir, "Space ") != named {
				t.Errorf("%s: group_info %s (direct messages and group chats have no name, a space has one)", dir, e.Data)
			}
			if _, ok := g["space_type"]; ok {
				t.Errorf("%s: group_info has space_type, which Takeout has not", dir)
			}
		case "user_info.json":
			var u chat.UserInfo
			if err := json.Unmarshal(e.Data, &u); err != nil {
				t.Fatal(err)
			}
			defer func() {
				for _, m := range u.Membership {
					if !folders[m.GroupID] || m.MembershipState != "MEMBER_JOINED" {
						t.Errorf("membership %+v: want a folder of Google Chat/Groups and MEMBER_JOINED (folders %v)", m, folders)
					}
				}
			}()
		}
	}
	out := connectortest.ReadWithPython(t, readTakeoutDates, msgs)
	got := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var id, at string
		if _, err := fmt.Sscan(l, &id, &at); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		got[id] = at
	}
	if len(got) != len(want) || len(want) == 0 {
		t.Errorf("%d messages read, want %d", len(got), len(want))
	}
	for id, at := range want {
		if got[id] != at {
			t.Errorf("message %s: created_date reads as %q, want %s", id, got[id], at)
		}
	}
	connectortest.Check(t, env.Truth(a, export.Chat), r, a)
}
