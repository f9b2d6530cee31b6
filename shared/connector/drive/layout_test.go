package drive_test

import (
	"context"
	"strings"
	"testing"

	emulator "github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/connector/connectortest"
	"github.com/orgexport/orgexport/shared/connector/drive"
	"github.com/orgexport/orgexport/shared/zipname"
)

func TestLayoutNamesAndShortcuts(t *testing.T) {
	opts := synth.Tiny(3)
	opts.Hostile = true
	env := connectortest.Start(t, opts)
	a := env.Accounts()[1]
	r, err := connectortest.ExportAll(context.Background(), drive.New(env.Factory, drive.Options{}), a, nil)
	if err != nil {
		t.Fatal(err)
	}
	paths := map[string]*connectortest.Entry{}
	for _, e := range r.Entries() {
		if err := zipname.Valid(e.Path); err != nil || !strings.HasPrefix(e.Path, "Drive/") {
			t.Errorf("unsafe or misplaced path %q: %v", e.Path, err)
		}
		paths[e.Path] = e
	}
	for _, want := range []string{
		"Drive/Projects/Meeting notes.docx", "Drive/Budget 2026.xlsx", "Drive/Quarterly review.pptx",
		"Drive/Projects/Diagram.svg", "Drive/Handbook.docx", "Drive/Projects/report.pdf",
		"Drive/Shortcut to report.url",
	} {
		if paths[want] == nil {
			t.Errorf("no entry %q", want)
		}
	}
	tabs := 0
	for p := range paths {
		if strings.HasPrefix(p, "Drive/Projects/Archive/Deep/tab") {
			tabs++
			if strings.ContainsAny(p, "\t\x01\x07") {
				t.Errorf("control characters kept in %q", p)
			}
		}
	}
	if tabs != 1 {
		t.Errorf("the file named with a tab and control characters is not in Projects/Archive/Deep: %q", keys(paths))
	}
	var reports []string
	for p := range paths {
		if strings.HasPrefix(p, "Drive/Projects/report (") && strings.HasSuffix(p, ").pdf") {
			reports = append(reports, p)
		}
		if strings.Contains(p, "old draft.txt") {
			t.Errorf("trashed file exported: %q", p)
		}
	}
	if len(reports) == 0 {
		t.Errorf("the second report.pdf in Projects has no id-derived suffix; paths: %v", keys(paths))
	}
	// The Handbook's export is over Drive's 10 MB limit: it comes through
	// its exportLinks URL.
	if hb := paths["Drive/Handbook.docx"]; hb == nil || len(hb.Data) <= 10<<20 {
		t.Errorf("the Doc over 10 MB was not exported through exportLinks")
	}
	sc := paths["Drive/Shortcut to report.url"]
	if sc != nil && (sc.ItemID != "" || !strings.Contains(string(sc.Data), "URL=https://drive.google.com/open?id=")) {
		t.Errorf("shortcut entry: item %q, %q", sc.ItemID, sc.Data)
	}
	// A second export names every file the same way.
	again, _ := connectortest.ExportAll(context.Background(), drive.New(env.Factory, drive.Options{}), a, nil)
	for _, e := range again.Entries() {
		if paths[e.Path] == nil {
			t.Errorf("re-export named a file differently: %q", e.Path)
		}
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestGoogleFileFailsOnlyWhenExportAndLinkBothFail(t *testing.T) {
	env := connectortest.Start(t, synth.Tiny(3))
	a := env.Accounts()[1]
	var handbook string
	for _, it := range env.Truth(a, "Drive") {
		if it.Name == "Handbook" {
			handbook = it.ItemID
		}
	}
	env.SetFaults(t, emulator.Faults{FailItems: []string{handbook}})
	r, err := connectortest.ExportAll(context.Background(), drive.New(env.Factory, drive.Options{}), a, nil)
	if err != nil {
		t.Fatal(err)
	}
	var fs []connector.Failure
	for _, f := range r.Failures() {
		if f.ItemID == handbook {
			fs = append(fs, f)
		}
	}
	if len(fs) != 1 || fs[0].ItemID != handbook || fs[0].Path != "Drive/Handbook.docx" ||
		!strings.Contains(fs[0].Reason, "export link failed too") {
		t.Fatalf("failures %+v, want the Handbook with both reasons", fs)
	}
	t.Log(fs[0].Reason)
	if r.Items()[handbook] != 0 {
		t.Error("the failed file also has an entry")
	}
}

func TestBrokenDownloadsResumeWithRange(t *testing.T) {
	env := connectortest.Start(t, synth.Tiny(8))
	a := env.Accounts()[1]
	env.SetFaults(t, emulator.Faults{APIs: map[string]emulator.APIFaults{"drive": {Truncate: 0.25}}})
	r, err := connectortest.ExportAll(context.Background(), drive.New(env.Factory, drive.Options{}), a, nil)
	if err != nil {
		t.Fatal(err)
	}
	connectortest.Check(t, env.Truth(a, "Drive"), r, a)
	if env.FaultsInjected() < 3 {
		t.Fatalf("only %d bodies were cut off", env.FaultsInjected())
	}
}

// In a drive of nested folders (synth.Options.NestedFolders) every file is
// exported under its folders' chain, as Drive's parents give it.
func TestNestedFolders(t *testing.T) {
	opts := synth.Tiny(5)
	opts.NestedFolders, opts.FilesPerUser, opts.Users = true, 700, 2
	env := connectortest.Start(t, opts)
	a := env.Accounts()[1]
	r, err := connectortest.ExportAll(context.Background(), drive.New(env.Factory, drive.Options{PageSize: 97}), a, nil)
	if err != nil {
		t.Fatal(err)
	}
	connectortest.Check(t, env.Truth(a, "Drive"), r, a)
	org := env.Server.Org()
	o := synth.Owner{Index: 1}
	byID := map[string]synth.File{}
	for k := range org.FileCount(o) {
		f := org.File(o, k)
		byID[f.ID] = f
	}
	deepest := 0
	for _, e := range r.Entries() {
		f, ok := byID[e.ItemID]
		if !ok {
			continue
		}
		var chain []string
		for p, ok := byID[f.Parent]; ok; p, ok = byID[p.Parent] {
			chain = append([]string{p.Name}, chain...)
		}
		if dir := e.Path[:strings.LastIndex(e.Path, "/")]; dir != strings.Join(append([]string{"Drive"}, chain...), "/") {
			t.Fatalf("%s is at %q, its folders are %q", f.ID, e.Path, chain)
		}
		deepest = max(deepest, len(chain))
	}
	if deepest < 4 {
		t.Errorf("the deepest file is %d folders deep: the tree is not nested", deepest)
	}
}
