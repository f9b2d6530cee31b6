package chat_test

import (
	"bytes"
	"context"
	"errors"
	"path"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	emulator "github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/connector/chat"
	"github.com/orgexport/orgexport/shared/connector/connectortest"
	"github.com/orgexport/orgexport/shared/export"
)

func TestConformance(t *testing.T) {
	env := connectortest.Start(t, synth.Tiny(1))
	connectortest.Run(t, env, func() connector.Connector {
		return chat.New(env.Factory, chat.Options{})
	}, connectortest.Suite{API: "chat"})
}

func schemas(t *testing.T) map[string]*jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(chat.Schema))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("chat.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	out := map[string]*jsonschema.Schema{}
	for _, d := range []string{"messages", "group_info", "user_info"} {
		if out[d+".json"], err = c.Compile("chat.schema.json#/$defs/" + d); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// Users hold their DMs and their user_info.json; spaces are their own
// accounts; every JSON file validates against the schema.
func TestLayoutAndSchema(t *testing.T) {
	opts := synth.Tiny(2)
	opts.Hostile = true
	env := connectortest.Start(t, opts)
	sch := schemas(t)
	c := chat.New(env.Factory, chat.Options{})
	var users, spaces int
	for _, a := range env.Accounts() {
		if !c.Handles(a) {
			continue
		}
		r, err := connectortest.ExportAll(context.Background(), c, a, nil)
		if err != nil {
			t.Fatalf("%s: %v", a.ID, err)
		}
		files := map[string]int{}
		for _, e := range r.Entries() {
			base := path.Base(e.Path)
			files[base]++
			if !strings.HasPrefix(e.Path, "Google Chat/") {
				t.Errorf("%s: entry %s outside Google Chat/", a.ID, e.Path)
			}
			s := sch[base]
			if s == nil {
				continue
			}
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(e.Data))
			if err != nil {
				t.Fatalf("%s %s: %v", a.ID, e.Path, err)
			}
			if err := s.Validate(inst); err != nil {
				t.Errorf("%s %s does not validate: %v", a.ID, e.Path, err)
			}
		}
		switch a.Type {
		case export.User:
			users++
			if files["user_info.json"] != 1 || files["messages.json"] != 3 {
				t.Errorf("%s: files %v, want user_info.json, two DMs and a group chat", a.ID, files)
			}
			groupChats := 0
			for _, e := range r.Entries() {
				if strings.Contains(e.Path, "/Group chat ") && path.Base(e.Path) == "messages.json" {
					groupChats++
				}
			}
			if groupChats != 1 {
				t.Errorf("%s: %d group chats in the export, want 1", a.ID, groupChats)
			}
			connectortest.Check(t, env.Truth(a, export.Chat), r, a)
		case export.Customer:
			spaces++
			if files["group_info.json"] != 1 || files["messages.json"] != 1 || files["messages.html"] != 1 {
				t.Errorf("%s: files %v, want one space", a.ID, files)
			}
		}
	}
	if users == 0 || spaces != opts.ChatSpaces {
		t.Errorf("%d users and %d spaces exported, want %d spaces", users, spaces, opts.ChatSpaces)
	}
}

// An attachment that cannot be read is reported; the rest is exported.
func TestFailingAttachmentReported(t *testing.T) {
	env := connectortest.Start(t, synth.Tiny(5))
	org := env.Server.Org()
	var a connector.Account
	for _, acc := range env.Accounts() {
		if acc.Kind == chat.KindSpace {
			a = acc
			break
		}
	}
	sp, _ := org.SpaceByName(a.ID)
	victim := org.ChatMessage(sp, 1).Attachment.Name
	env.SetFaults(t, emulator.Faults{FailItems: []string{victim}})
	r, err := connectortest.ExportAll(context.Background(), chat.New(env.Factory, chat.Options{}), a, nil)
	if err != nil {
		t.Fatal(err)
	}
	connectortest.Check(t, env.Truth(a, export.Chat), r, a)
	if f := r.Failures(); len(f) != 1 || f[0].ItemID != victim {
		t.Fatalf("failures %+v, want %s", f, victim)
	}
}

// A space whose members have all left cannot be read (the Chat API gives
// administrators no access to messages): it is reported unsupported, with
// the reason, and the other spaces are exported.
func TestSpaceWithoutMembersIsUnsupported(t *testing.T) {
	opts := synth.Tiny(6)
	opts.ChatSpaces, opts.OrphanedSpaces = 3, 1
	env := connectortest.Start(t, opts)
	c := chat.New(env.Factory, chat.Options{})
	var orphaned, exported int
	for _, a := range env.Accounts() {
		if a.Kind != chat.KindSpace {
			continue
		}
		sp, _ := env.Server.Org().SpaceByName(a.ID)
		r, err := connectortest.ExportAll(context.Background(), c, a, nil)
		if sp.Orphaned {
			orphaned++
			if !errors.Is(err, connector.ErrUnsupported) || !strings.Contains(err.Error(), "no member in the organisation") {
				t.Errorf("orphaned space %s: err = %v, want unsupported with the reason", a.ID, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", a.ID, err)
		}
		exported++
		connectortest.Check(t, env.Truth(a, export.Chat), r, a)
	}
	if orphaned != 1 || exported != 2 {
		t.Errorf("%d orphaned and %d exported spaces, want 1 and 2", orphaned, exported)
	}
}

// An attachment cut off in transit is resumed from where it broke off (a
// Range request), not fetched again whole: every attachment arrives with
// the source's bytes and nothing fails.
func TestCutOffAttachmentIsResumed(t *testing.T) {
	env := connectortest.Start(t, synth.Tiny(7))
	env.SetFaults(t, emulator.Faults{APIs: map[string]emulator.APIFaults{"chat": {Truncate: 0.5}}})
	resumes := &connectortest.Resumes{}
	c := chat.New(env.FactoryWith(t, resumes), chat.Options{})
	for _, a := range env.Accounts() {
		if a.Kind != chat.KindSpace {
			continue
		}
		r, err := connectortest.ExportAll(context.Background(), c, a, nil)
		if err != nil {
			t.Fatalf("%s: %v", a.ID, err)
		}
		connectortest.Check(t, env.Truth(a, export.Chat), r, a)
		if f := r.Failures(); len(f) > 0 {
			t.Errorf("%s: failures %+v, want none", a.ID, f)
		}
	}
	if resumes.Count() == 0 {
		t.Fatalf("no download was resumed (%d faults injected)", env.FaultsInjected())
	}
	t.Logf("%d downloads resumed, %d faults injected", resumes.Count(), env.FaultsInjected())
}
