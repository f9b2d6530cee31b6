package drive

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
)

var _ connector.ItemExporter = (*Connector)(nil)

// ExportItems implements connector.ItemExporter. A file's path depends on
// its folders and its siblings' names, so the account's files are listed
// (metadata only) as Export lists them and only the files of ids are
// downloaded, each under the path Export gives it. A file no longer
// listed (deleted, trashed, or no longer the account's) was deleted since
// the export. The cursor is the last id done, in id order.
func (c *Connector) ExportItems(ctx context.Context, a connector.Account, ids []string, cursor string, e connector.Emitter) error {
	svc, err := c.clients.Drive(ctx, a.Subject)
	if err != nil {
		return err
	}
	files, err := listAll(ctx, svc, a, c.opts.PageSize)
	if err != nil {
		return fmt.Errorf("drive %s: %w", a.ID, err)
	}
	r := &run{c: c, svc: svc, e: e, http: c.clients.HTTPClient(ctx, a.Subject, "drive")}
	for _, id := range slices.Compact(slices.Sorted(slices.Values(ids))) {
		if id <= cursor {
			continue
		}
		it, ok := files.lookup(id)
		if !ok {
			e.Fail(connector.Gone(export.Drive, id, ""))
			continue
		}
		if err := r.one(ctx, it); err != nil {
			if errors.Is(err, connector.ErrCut) {
				return err
			}
			return fmt.Errorf("drive %s: %w", a.ID, err)
		}
	}
	return nil
}
