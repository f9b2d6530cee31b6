package workspace_test

import (
	"context"
	"encoding/json"
	"testing"

	"google.golang.org/api/drive/v3"

	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/export"
)

// trap reports whether id is one of Drive's trap files (synth.TrapFile).
func trap(org *synth.Org, id string) bool {
	f, ok := org.FileByID(id)
	return ok && !f.Owner.Shared && f.Index >= org.TrapFile(0)
}

// Each of Drive's traps answers as Drive does: the abusive file only with
// acknowledgeAbuse=true; the Apps Script project exports as script+json;
// the big Doc without exportLinks refuses its export; the shortcut points
// at a trashed file; the file shared from the next user is listed, owned by
// them, and readable.
func TestDriveTraps(t *testing.T) {
	t.Parallel()
	opts := synth.Tiny(5)
	opts.Unexportable = true
	s := start(t, opts, workspace.Faults{})
	ctx := context.Background()
	org := s.Org()
	const u = 1
	user := org.Users()[u].Email
	svc, err := drive.NewService(ctx, clientOpts(t, s, "drive", user)...)
	if err != nil {
		t.Fatal(err)
	}
	truth := map[string]synth.TruthItem{}
	for it := range s.Truth(user) {
		if it.Product == export.Drive {
			truth[it.ItemID] = it
		}
	}
	file := func(tr int) synth.File { return org.File(synth.Owner{Index: u}, org.TrapFile(tr)) }

	abusive := file(synth.TrapAbusive)
	_, err = svc.Files.Get(abusive.ID).Download()
	wantAPIError(t, err, 403, "cannotDownloadAbusiveFile")
	res, err := svc.Files.Get(abusive.ID).AcknowledgeAbuse(true).Download()
	if err != nil {
		t.Fatal(err)
	}
	if got := sha(t, res.Body); got != truth[abusive.ID].SHA256 || truth[abusive.ID].Note == "" {
		t.Errorf("abusive file: sha %s, truth %+v", got, truth[abusive.ID])
	}
	res.Body.Close()

	script := file(synth.TrapScript)
	res, err = svc.Files.Export(script.ID, synth.MimeScriptJSON).Download()
	if err != nil {
		t.Fatal(err)
	}
	var project struct {
		Files []struct{ Name, Type, Source string }
	}
	b := sha(t, res.Body)
	res.Body.Close()
	res, _ = svc.Files.Export(script.ID, synth.MimeScriptJSON).Download()
	if err := json.NewDecoder(res.Body).Decode(&project); err != nil || len(project.Files) != 2 || b != truth[script.ID].SHA256 {
		t.Errorf("script export: %v %+v, sha %s, truth %+v", err, project, b, truth[script.ID])
	}
	res.Body.Close()

	nolink := file(synth.TrapNoLink)
	meta, err := svc.Files.Get(nolink.ID).Fields("id,exportLinks").Do()
	if err != nil || meta.ExportLinks != nil {
		t.Errorf("no-link Doc: %v, exportLinks %v", err, meta.ExportLinks)
	}
	_, err = svc.Files.Export(nolink.ID, synth.MimeDocx).Download()
	wantAPIError(t, err, 403, "exportSizeLimitExceeded")
	if it := truth[nolink.ID]; !it.AlwaysFails || it.Note == "" {
		t.Errorf("no-link Doc in the truth: %+v, want always failing with a note", it)
	}

	sc := file(synth.TrapTrashedShortcut)
	target, err := svc.Files.Get(sc.ShortcutTarget).Fields("id,trashed").Do()
	if err != nil || !target.Trashed {
		t.Errorf("shortcut target %s: %v %+v, want trashed", sc.ShortcutTarget, err, target)
	}
	if _, ok := truth[sc.ID]; ok {
		t.Error("a shortcut is in the truth")
	}

	shared := org.File(synth.Owner{Index: u + 1}, org.TrapFile(synth.TrapSharedFile))
	var listed *drive.File
	err = svc.Files.List().Q("trashed = false").Fields("nextPageToken,files(id,owners,shared)").PageSize(5).
		Pages(ctx, func(p *drive.FileList) error {
			for _, f := range p.Files {
				if f.Id == shared.ID {
					listed = f
				}
			}
			return nil
		})
	if err != nil || listed == nil || len(listed.Owners) != 1 || listed.Owners[0].Me || !listed.Shared {
		t.Fatalf("shared file in the listing: %v %+v", err, listed)
	}
	if _, ok := truth[shared.ID]; ok {
		t.Error("a file shared with the user is in their truth, not only in its owner's")
	}
	if _, err := svc.Files.Get(shared.ID).Download(); err != nil {
		t.Errorf("shared file cannot be read by whom it is shared with: %v", err)
	}
}
