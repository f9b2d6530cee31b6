package gmail

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
)

var _ connector.ItemExporter = (*Connector)(nil)

// ExportItems implements connector.ItemExporter: each message of ids is
// fetched by id and appended to the mailbox file as Export writes it; a
// message Gmail no longer has (404) was deleted since the export. The
// cursor's Index counts the ids (in sorted order) already done.
func (c *Connector) ExportItems(ctx context.Context, a connector.Account, ids []string, cur string, e connector.Emitter) error {
	pos, err := parseCursor(cur)
	if err != nil {
		return err
	}
	svc, err := c.clients.Gmail(ctx, a.Subject)
	if err != nil {
		return err
	}
	labels, err := labelNames(ctx, svc)
	if err != nil {
		return fmt.Errorf("gmail %s: %w", a.ID, err)
	}
	r := &run{c: c, svc: svc, e: e, labels: labels, pos: pos}
	if err := r.items(ctx, slices.Sorted(slices.Values(ids))); err != nil {
		if errors.Is(err, connector.ErrCut) {
			return err
		}
		return fmt.Errorf("gmail %s: %w", a.ID, err)
	}
	return nil
}

// items writes the messages of ids from r.pos.Index on.
func (r *run) items(ctx context.Context, ids []string) error {
	r.pos.Index = min(r.pos.Index, len(ids))
	err := r.c.stream(ctx, r.svc, ids[r.pos.Index:], func(m message) error {
		if connector.NotFound(m.err) {
			r.e.Fail(connector.Gone(export.Gmail, m.id, segmentPath(r.pos.Seg)))
		} else if err := r.write(m); err != nil {
			return err
		}
		r.pos.Index++
		if r.written >= r.c.opts.CheckpointBytes && r.pos.Index < len(ids) {
			return r.checkpoint(ctx)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if r.mbox == nil {
		return nil // nothing recovered in this part: no empty mailbox
	}
	if err := r.mbox.flush(); err != nil {
		return fmt.Errorf("write mbox: %w", err)
	}
	return nil
}
