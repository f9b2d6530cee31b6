package gmail

import (
	"context"
	"errors"
	"fmt"

	"google.golang.org/api/gmail/v1"

	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/pacer"
)

// run is one call of Export: it walks the message list from pos.
type run struct {
	c      *Connector
	svc    *gmail.Service
	e      connector.Emitter
	labels map[string]string
	pos    cursor

	mbox    *mboxWriter
	written int64 // bytes since the last checkpoint
}

func (r *run) export(ctx context.Context) error {
	for {
		list, err := r.svc.Users.Messages.List("me").IncludeSpamTrash(true).
			MaxResults(r.c.opts.PageSize).PageToken(r.pos.Page).
			Fields("messages(id),nextPageToken").Context(ctx).Do()
		if err != nil {
			return fmt.Errorf("list messages: %w", err)
		}
		if err := r.page(ctx, list.Messages); err != nil {
			return err
		}
		if list.NextPageToken == "" {
			return r.finish()
		}
		r.pos = cursor{Page: list.NextPageToken, Seg: r.pos.Seg}
		if r.written >= r.c.opts.CheckpointBytes {
			if err := r.checkpoint(ctx); err != nil {
				return err
			}
		}
	}
}

// page writes the page's messages from r.pos.Index on, in order.
func (r *run) page(ctx context.Context, msgs []*gmail.Message) error {
	r.pos.Index = min(r.pos.Index, len(msgs)) // the page shrank since the cursor was saved
	ids := make([]string, 0, len(msgs)-r.pos.Index)
	for _, m := range msgs[r.pos.Index:] {
		ids = append(ids, m.Id)
	}
	return r.c.stream(ctx, r.svc, ids, func(m message) error {
		if err := r.write(m); err != nil {
			return err
		}
		r.pos.Index++
		if r.written >= r.c.opts.CheckpointBytes && r.pos.Index < len(msgs) {
			return r.checkpoint(ctx)
		}
		return nil
	})
}

// write appends one message to the mbox, or records why it failed.
func (r *run) write(m message) error {
	if m.err != nil {
		r.e.Fail(connector.Failure{Product: export.Gmail, ItemID: m.id,
			Path: segmentPath(r.pos.Seg), Reason: pacer.Reason(m.err)})
		return nil
	}
	if r.mbox == nil {
		if err := r.openSegment(); err != nil {
			return err
		}
	}
	thrid := threadID(m.msg.ThreadId)
	err := r.mbox.write(thrid+"@xxx", internalDate(m.msg), []header{
		{"X-GM-THRID", thrid},
		{"X-Gmail-Labels", labelHeader(m.msg.LabelIds, r.labels)},
	}, m.raw)
	if err != nil {
		return fmt.Errorf("write message %s: %w", m.id, err)
	}
	r.e.Item(m.id)
	r.written += int64(len(m.raw))
	return nil
}

// checkpoint offers the pipeline a place to cut the part. The mailbox goes
// on in the same file unless the part is cut here; after a cut it
// continues in the next part's file ("…-2.mbox"), so extracting every part
// into one folder loses nothing.
func (r *run) checkpoint(ctx context.Context) error {
	if r.mbox == nil {
		return nil // nothing written since the last checkpoint
	}
	if err := r.mbox.flush(); err != nil {
		return fmt.Errorf("write mbox: %w", err)
	}
	next := r.pos
	next.Seg++
	err := r.e.Checkpoint(ctx, next.String())
	switch {
	case errors.Is(err, connector.ErrCut):
		r.pos, r.mbox = next, nil
	case err == nil:
		r.written = 0
	}
	return err
}

// finish flushes the last mbox file. An empty mailbox still gets its
// (empty) mbox file, so the archive shows there was nothing to export.
func (r *run) finish() error {
	if r.mbox == nil && r.pos.Seg == 0 {
		if err := r.openSegment(); err != nil {
			return err
		}
	}
	if r.mbox == nil {
		return nil
	}
	if err := r.mbox.flush(); err != nil {
		return fmt.Errorf("write mbox: %w", err)
	}
	return nil
}

func (r *run) openSegment() error {
	w, err := r.e.Create(connector.Entry{Path: segmentPath(r.pos.Seg), Content: connector.Compressible})
	if err != nil {
		return fmt.Errorf("create mbox: %w", err)
	}
	r.mbox = newMboxWriter(w)
	r.written = 0
	return nil
}
