package chat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"google.golang.org/api/chat/v1"

	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/zipname"
)

// writeSpace writes group_info.json, messages.json, messages.html and the
// attachments, passing over the messages once for each: of the messages
// and attachments, those want has (nil: all), and nothing when it has
// none of the space's.
func (c *Connector) writeSpace(ctx context.Context, svc *chat.Service, e connector.Emitter, sp *chat.Space, members []*chat.Membership, want *connector.Wanted) error {
	dir := "Google Chat/Groups/" + zipname.Sanitize(spaceFolder(sp)) + "/"
	if want != nil {
		found := false
		for m, err := range messages(ctx, svc, sp.Name) {
			if err != nil {
				return fmt.Errorf("messages of %s: %w", sp.Name, err)
			}
			found = want.Has(m.Name) || found
			for _, a := range m.Attachment {
				found = want.Has(a.Name) || found
			}
		}
		if !found {
			return nil
		}
	}
	mod := c.opts.Now()
	if err := connector.WriteJSON(e, dir+"group_info.json", mod, groupInfo(sp, members)); err != nil {
		return err
	}
	w, err := e.Create(connector.Entry{Path: dir + "messages.json", Modified: mod, Content: connector.Compressible})
	if err != nil {
		return err
	}
	if err := writeMessages(ctx, svc, sp.Name, w, want, e.Item); err != nil {
		return fmt.Errorf("messages of %s: %w", sp.Name, err)
	}
	w, err = e.Create(connector.Entry{Path: dir + "messages.html", Modified: mod, Content: connector.Compressible})
	if err != nil {
		return err
	}
	if err := writeHTML(ctx, svc, sp, w, want); err != nil {
		return fmt.Errorf("messages of %s: %w", sp.Name, err)
	}
	return c.writeAttachments(ctx, svc, e, sp.Name, dir, want)
}

// attachmentNames hands out the files' names in the folder, the same on
// every pass.
type attachmentNames struct{ d *zipname.Dedup }

func newNames() attachmentNames {
	n := attachmentNames{zipname.NewDedup()}
	for _, f := range []string{"group_info.json", "messages.json", "messages.html"} {
		n.d.Name(f, f)
	}
	return n
}

func (n attachmentNames) of(a *chat.Attachment) string { return n.d.Name(a.ContentName, a.Name) }

func writeMessages(ctx context.Context, svc *chat.Service, space string, w io.Writer, want *connector.Wanted, item func(string)) error {
	if _, err := io.WriteString(w, `{"messages":[`); err != nil {
		return err
	}
	names, n := newNames(), 0
	for m, err := range messages(ctx, svc, space) {
		if err != nil {
			return err
		}
		rec := messageRecord(m, names) // names every attachment, asked for or not
		if !want.Asked(m.Name) {
			continue
		}
		b, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		sep := "\n"
		if n > 0 {
			sep = ",\n"
		}
		if _, err := io.WriteString(w, sep+string(b)); err != nil {
			return err
		}
		item(m.Name)
		n++
	}
	_, err := io.WriteString(w, "\n]}\n")
	return err
}

func (c *Connector) writeAttachments(ctx context.Context, svc *chat.Service, e connector.Emitter, space, dir string, want *connector.Wanted) error {
	names := newNames()
	for m, err := range messages(ctx, svc, space) {
		if err != nil {
			return fmt.Errorf("messages of %s: %w", space, err)
		}
		for _, a := range m.Attachment {
			if a.AttachmentDataRef == nil || a.AttachmentDataRef.ResourceName == "" {
				continue // Drive files are referenced by link, not copied
			}
			path := dir + names.of(a)
			if !want.Asked(a.Name) {
				continue
			}
			w, err := e.Create(connector.Entry{Path: path, Modified: parseTime(m.CreateTime), Content: connector.Compressible, ItemID: a.Name})
			if err != nil {
				return err
			}
			if err := download(ctx, svc, a.AttachmentDataRef.ResourceName, w); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				if errors.As(err, new(*connector.WriteError)) {
					return err
				}
				// Failing the entry's own item leaves the entry out.
				e.Fail(connector.Failure{Product: export.Chat, ItemID: a.Name, Path: path, Reason: "attachment download failed: " + err.Error()})
			}
		}
	}
	return nil
}

// download streams an attachment into w; a body cut off in transit is
// resumed where it broke off (connector.Download).
func download(ctx context.Context, svc *chat.Service, resource string, w io.Writer) error {
	_, err := connector.Download(ctx, "Chat", func(offset int64) (*http.Response, error) {
		call := svc.Media.Download(resource).Context(ctx)
		if offset > 0 {
			call.Header().Set("Range", fmt.Sprintf("bytes=%d-", offset))
		}
		return call.Download()
	}, connector.Sink(w))
	return err
}

func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}
