package keep_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	emulator "github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/connector/connectortest"
	"github.com/orgexport/orgexport/shared/connector/keep"
)

func TestConformance(t *testing.T) {
	env := connectortest.Start(t, synth.Tiny(1))
	connectortest.Run(t, env, func() connector.Connector {
		return keep.New(env.Factory, keep.Options{})
	}, connectortest.Suite{API: "keep"})
}

func compile(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(keep.Schema))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("note.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("note.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func exportUser(t *testing.T, env *connectortest.Env, i int) *connectortest.Result {
	t.Helper()
	r, err := connectortest.ExportAll(context.Background(), keep.New(env.Factory, keep.Options{}), env.Accounts()[i], nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Every note has a JSON file that validates and says what the note holds:
// its checklist, its trashed state, its collaborators, its image.
func TestNotesAsTakeout(t *testing.T) {
	opts := synth.Tiny(3)
	opts.Hostile = true
	env := connectortest.Start(t, opts)
	schema := compile(t)
	r := exportUser(t, env, 1)
	org := env.Server.Org()
	byName := map[string]keep.Note{}
	for _, e := range r.Entries() {
		if !strings.HasSuffix(e.Path, ".json") {
			continue
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(e.Data))
		if err != nil {
			t.Fatalf("%s: %v", e.Path, err)
		}
		if err := schema.Validate(inst); err != nil {
			t.Errorf("%s does not validate: %v", e.Path, err)
		}
		var n keep.Note
		if err := json.Unmarshal(e.Data, &n); err != nil {
			t.Fatal(err)
		}
		byName[n.Name] = n
	}
	if len(byName) != org.NoteCount(1) {
		t.Fatalf("%d notes exported, want %d", len(byName), org.NoteCount(1))
	}
	for k := range org.NoteCount(1) {
		src := org.Note(1, k)
		got := byName[src.Name]
		switch {
		case got.Title != src.Title:
			t.Errorf("%s: title %q, want %q", src.Name, got.Title, src.Title)
		case got.IsTrashed != !src.Trashed.IsZero():
			t.Errorf("%s: trashed %v", src.Name, got.IsTrashed)
		case len(got.Sharees) != 1+len(src.Collaborators):
			t.Errorf("%s: sharees %v, want the owner and %v", src.Name, got.Sharees, src.Collaborators)
		case len(got.Attachments) != len(src.Attachments):
			t.Errorf("%s: attachments %v", src.Name, got.Attachments)
		case src.Items != nil && (len(got.ListContent) != len(src.Items) || len(got.ListContent[1].Children) != len(src.Items[1].Children)):
			t.Errorf("%s: checklist %v", src.Name, got.ListContent)
		case src.Items == nil && (got.TextContent == nil || *got.TextContent != src.Text):
			t.Errorf("%s: text %v, want %q", src.Name, got.TextContent, src.Text)
		}
	}
}

// An attachment that cannot be read is reported, and the note is still
// exported, without it.
func TestFailingAttachmentReported(t *testing.T) {
	env := connectortest.Start(t, synth.Tiny(5))
	victim := env.Server.Org().Note(1, 0).Attachments[0].Name
	env.SetFaults(t, emulator.Faults{FailItems: []string{victim}})
	a := env.Accounts()[1]
	r := exportUser(t, env, 1)
	connectortest.Check(t, env.Truth(a, "Keep"), r, a)
	if f := r.Failures(); len(f) != 1 || f[0].ItemID != victim || f[0].Reason == "" {
		t.Fatalf("failures %+v, want %s with a reason", f, victim)
	}
}

// An attachment cut off in transit is resumed from where it broke off (a
// Range request), not fetched again whole: every attachment arrives with
// the source's bytes and nothing fails.
func TestCutOffAttachmentIsResumed(t *testing.T) {
	env := connectortest.Start(t, synth.Tiny(7))
	a := env.Accounts()[1]
	env.SetFaults(t, emulator.Faults{APIs: map[string]emulator.APIFaults{"keep": {Truncate: 0.5}}})
	resumes := &connectortest.Resumes{}
	r, err := connectortest.ExportAll(context.Background(), keep.New(env.FactoryWith(t, resumes), keep.Options{}), a, nil)
	if err != nil {
		t.Fatal(err)
	}
	connectortest.Check(t, env.Truth(a, "Keep"), r, a)
	if f := r.Failures(); len(f) > 0 {
		t.Errorf("failures %+v, want none", f)
	}
	if resumes.Count() == 0 {
		t.Fatalf("no download was resumed (%d faults injected)", env.FaultsInjected())
	}
	t.Logf("%d downloads resumed, %d faults injected", resumes.Count(), env.FaultsInjected())
}
