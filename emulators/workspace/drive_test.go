package workspace_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"testing"

	drive "google.golang.org/api/drive/v3"

	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/export"
)

func sha(t *testing.T, r io.Reader) string {
	t.Helper()
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// A user's whole My Drive, read as an exporter reads it, matches the truth:
// binary files by download, Google files by export, the big Doc through
// its exportLinks after files.export refuses it.
func TestDriveContentMatchesTheTruth(t *testing.T) {
	t.Parallel()
	s := start(t, synth.Tiny(5), workspace.Faults{})
	ctx := context.Background()
	user := s.Org().Users()[1].Email
	svc, err := drive.NewService(ctx, clientOpts(t, s, "drive", user)...)
	if err != nil {
		t.Fatal(err)
	}
	hc, err := s.HTTPClient(ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for it := range s.Truth(user) {
		if it.Product == export.Drive && !trap(s.Org(), it.ItemID) { // traps: drive_traps_test.go
			want[it.ItemID] = it.SHA256
		}
	}
	got := map[string]string{}
	var shortcuts, tooLarge int
	err = svc.Files.List().Q("trashed = false").PageSize(7).
		Fields("nextPageToken, files(id,name,mimeType,parents,size,trashed,shortcutDetails,exportLinks)").
		Pages(ctx, func(p *drive.FileList) error {
			for _, f := range p.Files {
				switch {
				case trap(s.Org(), f.Id):
				case f.Trashed:
					t.Errorf("trashed file %s listed despite trashed = false", f.Name)
				case f.MimeType == synth.MimeFolder:
				case f.ShortcutDetails != nil:
					shortcuts++
				case strings.HasPrefix(f.MimeType, "application/vnd.google-apps."):
					format := synth.ExportFormats(f.MimeType)[0]
					res, err := svc.Files.Export(f.Id, format).Download()
					if err != nil {
						wantAPIError(t, err, 403, "exportSizeLimitExceeded")
						tooLarge++
						res, err = hc.Get(f.ExportLinks[format])
						if err != nil || res.StatusCode != 200 {
							t.Fatalf("exportLinks: %v %v", err, res.Status)
						}
					}
					got[f.Id] = sha(t, res.Body)
					res.Body.Close()
				default:
					res, err := svc.Files.Get(f.Id).Download()
					if err != nil {
						return err
					}
					got[f.Id] = sha(t, res.Body)
					res.Body.Close()
				}
			}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if shortcuts != 1 || tooLarge != 1 {
		t.Errorf("%d shortcuts, %d exports over the limit; want 1 and 1", shortcuts, tooLarge)
	}
	if len(got) != len(want) {
		t.Errorf("read %d files, truth has %d", len(got), len(want))
	}
	for id, sum := range want {
		if got[id] != sum {
			t.Errorf("file %s: sha256 %s, truth %s", id, got[id], sum)
		}
	}
}

func TestDriveFoldersQueriesAndDefaults(t *testing.T) {
	t.Parallel()
	s := start(t, synth.Tiny(5), workspace.Faults{})
	ctx := context.Background()
	svc, err := drive.NewService(ctx, clientOpts(t, s, "drive", "admin@example.com")...)
	if err != nil {
		t.Fatal(err)
	}
	top, err := svc.Files.List().Q("'root' in parents and mimeType = 'application/vnd.google-apps.folder'").Do()
	if err != nil || len(top.Files) != 1 || top.Files[0].Name != "Projects" {
		t.Fatalf("root folders: %v %+v", err, top)
	}
	in, err := svc.Files.List().Q("'" + top.Files[0].Id + "' in parents").Fields("files(name,size)").Do()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]int{}
	for _, f := range in.Files {
		names[f.Name]++
	}
	if names["report.pdf"] < 2 || names["Archive"] != 1 {
		t.Errorf("Projects holds %v; want duplicate report.pdf and Archive", names)
	}
	all, err := svc.Files.List().Do()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range all.Files {
		if f.Size != 0 || f.Parents != nil {
			t.Fatalf("without fields, %s came with size/parents; Drive returns only kind,id,name,mimeType", f.Name)
		}
	}
	if _, err := svc.Files.List().Q("fullText contains 'x'").Do(); err == nil {
		t.Error("an unsupported query was accepted")
	}
}

func TestDriveRangeDownload(t *testing.T) {
	t.Parallel()
	s := start(t, synth.Tiny(5), workspace.Faults{})
	ctx := context.Background()
	hc, _ := s.HTTPClient(ctx, "admin@example.com")
	f := s.Org().File(synth.Owner{}, 17) // max-size.bin
	req, _ := http.NewRequest("GET", s.Endpoint("drive")+"files/"+f.ID+"?alt=media", nil)
	req.Header.Set("Range", "bytes=100000-100009")
	res, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	part, _ := io.ReadAll(res.Body)
	whole := make([]byte, 10)
	_, _ = f.Content.ReadAt(whole, 100000)
	if res.StatusCode != 206 || string(part) != string(whole) {
		t.Fatalf("range: %s, %x, want 206 %x", res.Status, part, whole)
	}
}

func TestSharedDrives(t *testing.T) {
	t.Parallel()
	s := start(t, synth.Tiny(5), workspace.Faults{})
	ctx := context.Background()
	svc, _ := drive.NewService(ctx, clientOpts(t, s, "drive", "admin@example.com")...)
	ds, err := svc.Drives.List().UseDomainAdminAccess(true).Do()
	if err != nil || len(ds.Drives) != 2 {
		t.Fatalf("drives.list: %v %+v", err, ds)
	}
	_, err = svc.Files.List().Corpora("drive").DriveId(ds.Drives[0].Id).Do()
	wantAPIError(t, err, 403, "teamDriveIncludeItemsRequired")
	// Drive 0 is without the admin: Drive answers the admin 404, and a
	// member reads it.
	_, err = svc.Files.List().Corpora("drive").DriveId(ds.Drives[0].Id).IncludeItemsFromAllDrives(true).SupportsAllDrives(true).Do()
	wantAPIError(t, err, 404, "notFound")
	organizer := s.Org().Users()[s.Org().SharedDrives()[0].Members[0]].Email
	msvc, _ := drive.NewService(ctx, clientOpts(t, s, "drive", organizer)...)
	fl, err := msvc.Files.List().Corpora("drive").DriveId(ds.Drives[0].Id).IncludeItemsFromAllDrives(true).
		SupportsAllDrives(true).Q("trashed = false").Fields("files(id,driveId,mimeType)").PageSize(1000).Do()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for it := range s.Truth(ds.Drives[0].Id) {
		if it.Product == export.Drive {
			n++
		}
	}
	files := 0
	for _, f := range fl.Files {
		if f.DriveId != ds.Drives[0].Id {
			t.Errorf("file %s has driveId %q", f.Id, f.DriveId)
		}
		if f.MimeType != synth.MimeFolder && f.MimeType != synth.MimeShortcut {
			files++
		}
	}
	if files != n || n == 0 {
		t.Errorf("shared drive lists %d files, truth %d", files, n)
	}
	outsider := ""
	for _, u := range s.Org().Users() {
		if !u.Admin && !contains(s.Org().SharedDrives()[0].Members, u.Index) {
			outsider = u.Email
			break
		}
	}
	osvc, _ := drive.NewService(ctx, clientOpts(t, s, "drive", outsider)...)
	_, err = osvc.Drives.List().UseDomainAdminAccess(true).Do()
	wantAPIError(t, err, 403, "forbidden")
	_, err = osvc.Files.List().Corpora("drive").DriveId(ds.Drives[0].Id).IncludeItemsFromAllDrives(true).SupportsAllDrives(true).Do()
	wantAPIError(t, err, 404, "notFound")
}

// permissions.list of a shared drive: its members for the administrator
// with useDomainAdminAccess (or a member), 404 otherwise or without
// supportsAllDrives; the email only when fields asks for it.
func TestSharedDrivePermissions(t *testing.T) {
	t.Parallel()
	s := start(t, synth.Tiny(5), workspace.Faults{})
	ctx := context.Background()
	svc, _ := drive.NewService(ctx, clientOpts(t, s, "drive", "admin@example.com")...)
	d := s.Org().SharedDrives()[0]
	_, err := svc.Permissions.List(d.ID).SupportsAllDrives(true).Do()
	wantAPIError(t, err, 404, "notFound")
	_, err = svc.Permissions.List(d.ID).UseDomainAdminAccess(true).Do()
	wantAPIError(t, err, 404, "notFound")
	pl, err := svc.Permissions.List(d.ID).UseDomainAdminAccess(true).SupportsAllDrives(true).Do()
	if err != nil {
		t.Fatal(err)
	}
	if len(pl.Permissions) != len(d.Members) || pl.Permissions[0].Role != "organizer" || pl.Permissions[0].EmailAddress != "" {
		t.Fatalf("permissions %+v, want %d with the organizer first and no email by default", pl.Permissions, len(d.Members))
	}
	pl, err = svc.Permissions.List(d.ID).UseDomainAdminAccess(true).SupportsAllDrives(true).Fields("permissions(emailAddress,role,type)").Do()
	if err != nil || pl.Permissions[0].EmailAddress != s.Org().Users()[d.Members[0]].Email {
		t.Fatalf("permissions with emails: %v %+v", err, pl)
	}
	last := s.Org().SharedDrives()[1]
	pl, err = svc.Permissions.List(last.ID).UseDomainAdminAccess(true).SupportsAllDrives(true).Do()
	if err != nil || len(pl.Permissions) != 0 || !last.Orphaned() {
		t.Fatalf("drive without members: %v %+v", err, pl)
	}
}

func contains(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
