package groups_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/connector/connectortest"
	"github.com/orgexport/orgexport/shared/connector/groups"
	"github.com/orgexport/orgexport/shared/export"
)

func TestConformance(t *testing.T) {
	env := connectortest.Start(t, synth.Tiny(1))
	connectortest.Run(t, env, func() connector.Connector { return groups.New(env.Factory) },
		connectortest.Suite{API: "groupssettings"})
}

// Each group's three files validate, and settings.json holds the group's
// own settings.
func TestFilesValidateAndHoldSettings(t *testing.T) {
	opts := synth.Tiny(2)
	opts.Hostile = true
	env := connectortest.Start(t, opts)
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(groups.Schema))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("groups.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	schemas := map[string]*jsonschema.Schema{}
	for _, d := range []string{"info", "members", "settings"} {
		if schemas["Groups/"+d+".json"], err = c.Compile("groups.schema.json#/$defs/" + d); err != nil {
			t.Fatal(err)
		}
	}
	org := env.Server.Org()
	n := 0
	for _, a := range env.Accounts() {
		if a.Type != export.Group {
			continue
		}
		r, err := connectortest.ExportAll(context.Background(), groups.New(env.Factory), a, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Entries()) != 3 {
			t.Fatalf("%s: %d files, want info, members and settings", a.ID, len(r.Entries()))
		}
		for _, e := range r.Entries() {
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(e.Data))
			if err != nil {
				t.Fatalf("%s %s: %v", a.ID, e.Path, err)
			}
			if err := schemas[e.Path].Validate(inst); err != nil {
				t.Errorf("%s %s does not validate: %v", a.ID, e.Path, err)
			}
		}
		var got map[string]any
		if err := json.Unmarshal(r.Entries()[2].Data, &got); err != nil {
			t.Fatal(err)
		}
		want := org.GroupSettings(org.Groups()[n])
		if got["email"] != want.Email || got["whoCanJoin"] != want.WhoCanJoin || got["whoCanPostMessage"] != want.WhoCanPostMessage {
			t.Errorf("%s: settings %v, want %+v", a.ID, got, want)
		}
		n++
	}
	if n == 0 {
		t.Fatal("no groups")
	}
}
