package drive

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"google.golang.org/api/drive/v3"

	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/zipname"
)

const (
	mimeFolder   = "application/vnd.google-apps.folder"
	mimeShortcut = "application/vnd.google-apps.shortcut"
	googlePrefix = "application/vnd.google-apps."
	fileFields   = "id,name,mimeType,parents,size,md5Checksum,modifiedTime,trashed,exportLinks,shortcutDetails(targetId,targetMimeType),owners(me)"
)

// item is a file to export, with its place in the zip.
type item struct {
	f    *drive.File
	path string // "Drive/…/name", sanitised and unique
}

// listAll lists the account's files (folders included, trashed left out).
func listAll(ctx context.Context, svc *drive.Service, a connector.Account, pageSize int64) ([]*drive.File, error) {
	call := svc.Files.List().PageSize(pageSize).Fields("nextPageToken,files(" + fileFields + ")").
		SupportsAllDrives(true).Q("trashed = false").Context(ctx)
	shared := a.Type == export.Customer
	if shared {
		call = call.Corpora("drive").DriveId(a.ID).IncludeItemsFromAllDrives(true)
	} else {
		call = call.Corpora("user")
	}
	var files []*drive.File
	err := call.Pages(ctx, func(page *drive.FileList) error {
		for _, f := range page.Files {
			if !f.Trashed && (shared || ownedByMe(f)) {
				files = append(files, f)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list files: %w", err)
	}
	return files, nil
}

// ownedByMe reports whether the impersonated user owns f: a user's export
// holds the files they own, not those shared with them.
func ownedByMe(f *drive.File) bool {
	for _, o := range f.Owners {
		if o.Me {
			return true
		}
	}
	return false
}

// plan gives every non-folder file its path, and returns them in id order.
func plan(files []*drive.File) []item {
	byID := make(map[string]*drive.File, len(files))
	children := map[string][]*drive.File{}
	for _, f := range files {
		byID[f.Id] = f
	}
	for _, f := range files {
		children[parentOf(f, byID)] = append(children[parentOf(f, byID)], f)
	}
	names := make(map[string]string, len(files)) // id → unique segment
	for _, kids := range children {
		sort.Slice(kids, func(i, j int) bool { return kids[i].Id < kids[j].Id })
		d := zipname.NewDedup()
		for _, f := range kids {
			names[f.Id] = d.Name(displayName(f), f.Id)
		}
	}
	var out []item
	for _, f := range files {
		if f.MimeType != mimeFolder {
			out = append(out, item{f: f, path: pathOf(f, byID, names)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].f.Id < out[j].f.Id })
	return out
}

// parentOf is the file's parent folder among the listed ones, or "" (the
// root: My Drive, the shared drive, or a folder the account cannot see).
func parentOf(f *drive.File, byID map[string]*drive.File) string {
	for _, p := range f.Parents {
		if _, ok := byID[p]; ok {
			return p
		}
	}
	return ""
}

// pathOf builds "Drive/a/b/name", guarding against parent cycles.
func pathOf(f *drive.File, byID map[string]*drive.File, names map[string]string) string {
	segs := []string{names[f.Id]}
	seen := map[string]bool{f.Id: true}
	for p := parentOf(f, byID); p != "" && !seen[p]; p = parentOf(byID[p], byID) {
		seen[p] = true
		segs = append(segs, names[p])
	}
	segs = append(segs, export.Drive.TakeoutFolder())
	for i, j := 0, len(segs)-1; i < j; i, j = i+1, j-1 {
		segs[i], segs[j] = segs[j], segs[i]
	}
	return strings.Join(segs, "/")
}

// displayName is the file's name in the zip before sanitising: exported
// Google files and shortcuts get the extension of what is written.
func displayName(f *drive.File) string {
	if ext := exportExt(f.MimeType); ext != "" && !strings.HasSuffix(strings.ToLower(f.Name), ext) {
		return f.Name + ext
	}
	if f.MimeType == mimeShortcut {
		return f.Name + ".url"
	}
	return f.Name
}
