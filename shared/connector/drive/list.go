package drive

import (
	"context"
	"fmt"
	"strings"

	"google.golang.org/api/drive/v3"

	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
)

const (
	mimeFolder   = "application/vnd.google-apps.folder"
	mimeShortcut = "application/vnd.google-apps.shortcut"
	googlePrefix = "application/vnd.google-apps."
	// fileFields are what the listing reads of each file: what path
	// planning and downloads need, and no more (a Doc's exportLinks are
	// asked for only when its export fails).
	fileFields = "id,name,mimeType,parents,size,md5Checksum,modifiedTime,trashed,shortcutDetails(targetId),owners(me)"
)

// listAll lists the account's files (folders included, trashed left out)
// and plans their paths.
func listAll(ctx context.Context, svc *drive.Service, a connector.Account, pageSize int64) (*listing, error) {
	call := svc.Files.List().PageSize(pageSize).Fields("nextPageToken,files(" + fileFields + ")").
		SupportsAllDrives(true).Q("trashed = false").Context(ctx)
	shared := a.Type == export.Customer
	if shared {
		call = call.Corpora("drive").DriveId(a.ID).IncludeItemsFromAllDrives(true)
	} else {
		call = call.Corpora("user")
	}
	l := newListing()
	err := call.Pages(ctx, func(page *drive.FileList) error {
		for _, f := range page.Files {
			if !exported(f, shared) {
				continue
			}
			if err := l.add(f); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list files: %w", err)
	}
	l.plan()
	return l, nil
}

// exported reports whether a listed file belongs in the account's export:
// not trashed and, in a user's My Drive, owned by the user.
func exported(f *drive.File, shared bool) bool {
	return !f.Trashed && (shared || ownedByMe(f))
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
