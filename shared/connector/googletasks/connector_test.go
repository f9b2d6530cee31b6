package googletasks_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/connector/connectortest"
	"github.com/orgexport/orgexport/shared/connector/googletasks"
)

func TestConformance(t *testing.T) {
	env := connectortest.Start(t, synth.Tiny(1))
	connectortest.Run(t, env, func() connector.Connector {
		return googletasks.New(env.Factory, googletasks.Options{})
	}, connectortest.Suite{API: "tasks"})
}

func compile(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(googletasks.Schema))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("tasks.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("tasks.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Tasks.json validates against the schema, holds every list with its
// tasks, and deleted tasks carry their deletion time (their updated time).
func TestTakeoutShape(t *testing.T) {
	opts := synth.Tiny(2)
	opts.Hostile, opts.TasksPerUser = true, 250 // more than two pages of a list
	env := connectortest.Start(t, opts)
	a := env.Accounts()[1]
	r, err := connectortest.ExportAll(context.Background(), googletasks.New(env.Factory, googletasks.Options{}), a, nil)
	if err != nil {
		t.Fatal(err)
	}
	es := r.Entries()
	if len(es) != 1 || es[0].Path != googletasks.Path {
		t.Fatalf("entries %v, want one %s", es, googletasks.Path)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(es[0].Data))
	if err != nil {
		t.Fatalf("Tasks.json is not JSON: %v", err)
	}
	if err := compile(t).Validate(inst); err != nil {
		t.Fatalf("Tasks.json does not validate: %v", err)
	}
	var f struct {
		Items []struct {
			Title string             `json:"title"`
			Items []googletasks.Task `json:"items"`
		} `json:"items"`
	}
	if err := json.Unmarshal(es[0].Data, &f); err != nil {
		t.Fatal(err)
	}
	org := env.Server.Org()
	u, _ := org.UserByEmail(a.ID)
	if len(f.Items) != org.TaskListCount(u.Index) {
		t.Fatalf("%d lists, want %d", len(f.Items), org.TaskListCount(u.Index))
	}
	deleted, hidden := 0, 0
	for i, l := range f.Items {
		src := org.TaskList(u.Index, i)
		if l.Title != src.Title || len(l.Items) != org.TaskCount(src) {
			t.Errorf("list %d: %q with %d tasks, want %q with %d", i, l.Title, len(l.Items), src.Title, org.TaskCount(src))
		}
		for _, tk := range l.Items {
			if tk.Deleted {
				deleted++
				if tk.DeletionTime == "" || tk.DeletionTime != tk.Updated {
					t.Errorf("deleted task %s: deletionTime %q, updated %q", tk.ID, tk.DeletionTime, tk.Updated)
				}
			}
			if tk.Hidden {
				hidden++
			}
		}
	}
	if deleted == 0 || hidden == 0 {
		t.Errorf("%d deleted and %d hidden tasks exported; the organisation has both", deleted, hidden)
	}
}

// The schema rejects a deleted task without its deletion time.
func TestSchemaNeedsDeletionTime(t *testing.T) {
	doc := `{"kind":"tasks#taskLists","items":[{"kind":"tasks#taskList","id":"l","title":"L","items":[
		{"kind":"tasks#task","id":"t","title":"T","deleted":true,"updated":"2026-01-01T00:00:00.000Z"}]}]}`
	inst, _ := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(doc)))
	if err := compile(t).Validate(inst); err == nil {
		t.Fatal("a deleted task without deletionTime validates")
	}
}
