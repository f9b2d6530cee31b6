package drive_test

import (
	"context"
	"strings"
	"testing"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/connector/connectortest"
	"github.com/orgexport/orgexport/shared/connector/drive"
	"github.com/orgexport/orgexport/shared/export"
)

// Drive's traps end as a person would want: the abusive file is exported
// byte for byte, with acknowledgeAbuse=true and a note in the index; the
// Apps Script project as its JSON export; the Doc over the limit without an
// export link as a failure with that reason; the shortcut to a trashed
// file as a shortcut, the trashed file not at all; the file shared from
// another user once, in its owner's export.
func TestDriveTraps(t *testing.T) {
	opts := synth.Tiny(3)
	opts.Unexportable = true
	env := connectortest.Start(t, opts)
	org := env.Server.Org()
	c := drive.New(env.Factory, drive.Options{})
	const u = 1
	a, owner := env.Accounts()[u], env.Accounts()[u+1]
	file := func(tr int) synth.File { return org.File(synth.Owner{Index: u}, org.TrapFile(tr)) }
	r, err := connectortest.ExportAll(context.Background(), c, a, nil)
	if err != nil {
		t.Fatal(err)
	}
	connectortest.Check(t, env.Truth(a, export.Drive), r, a)
	byItem := map[string]*connectortest.Entry{}
	paths := map[string]*connectortest.Entry{}
	for _, e := range r.Entries() {
		byItem[e.ItemID], paths[e.Path] = e, e
	}

	abusive := byItem[file(synth.TrapAbusive).ID]
	if abusive == nil || !strings.Contains(abusive.Note, "acknowledgeAbuse=true") {
		t.Errorf("abusive file: entry %+v, want one whose note says acknowledgeAbuse=true", abusive)
	}
	if e := paths["Drive/Mail merge.json"]; e == nil || e.ItemID != file(synth.TrapScript).ID || !strings.Contains(string(e.Data), `"server_js"`) {
		t.Errorf("Apps Script project not exported as Drive/Mail merge.json: %+v", e)
	}
	nolink := file(synth.TrapNoLink).ID
	reasons := map[string]string{}
	for _, f := range r.Failures() {
		reasons[f.ItemID] = f.Reason
	}
	if !strings.Contains(reasons[nolink], "10 MB") || !strings.Contains(reasons[nolink], "no export link") {
		t.Errorf("Doc without an export link: reason %q", reasons[nolink])
	}
	if len(reasons) != 1 {
		t.Errorf("failures %v, want only the Doc without an export link", reasons)
	}
	sc := paths["Drive/Shortcut to old draft.url"]
	target := file(synth.TrapTrashedShortcut).ShortcutTarget
	if sc == nil || sc.ItemID != "" || !strings.Contains(string(sc.Data), target) || byItem[target] != nil {
		t.Errorf("shortcut to a trashed file: %+v; the target exported: %v", sc, byItem[target] != nil)
	}

	shared := org.File(synth.Owner{Index: u + 1}, org.TrapFile(synth.TrapSharedFile))
	if len(shared.SharedWith) != 1 || shared.SharedWith[0] != u {
		t.Fatalf("the trap is not shared with user %d: %+v", u, shared.SharedWith)
	}
	if byItem[shared.ID] != nil {
		t.Errorf("a file shared with %s but owned by %s is in the former's export", a.ID, owner.ID)
	}
	ro, err := connectortest.ExportAll(context.Background(), c, owner, nil)
	if err != nil {
		t.Fatal(err)
	}
	connectortest.Check(t, env.Truth(owner, export.Drive), ro, owner)
	if ro.Items()[shared.ID] != 1 {
		t.Errorf("the shared file is in its owner's export %d times, want once", ro.Items()[shared.ID])
	}
}
