package keep

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"time"

	"google.golang.org/api/keep/v1"

	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
)

// writeNote writes the note's attachments, then its JSON and HTML.
func (c *Connector) writeNote(ctx context.Context, svc *keep.Service, e connector.Emitter, n *keep.Note, f files) error {
	mod := parseTime(n.UpdateTime)
	var saved []Attachment
	for k, a := range n.Attachments {
		path := "Keep/" + f.attachments[k]
		body, err := c.download(ctx, svc, a)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			e.Fail(connector.Failure{Product: export.Keep, ItemID: a.Name, Path: path, Reason: "attachment download failed: " + err.Error()})
			continue
		}
		w, err := e.Create(connector.Entry{Path: path, Modified: mod, Content: connector.Compressed, ItemID: a.Name})
		if err != nil {
			return err
		}
		if _, err := w.Write(body); err != nil {
			return err
		}
		saved = append(saved, Attachment{FilePath: f.attachments[k], MimeType: mimeOf(a)})
	}
	rec := record(n, saved)
	w, err := e.Create(connector.Entry{Path: "Keep/" + f.stem + ".json", Modified: mod, Content: connector.Compressible, ItemID: n.Name})
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(rec); err != nil {
		return err
	}
	w, err = e.Create(connector.Entry{Path: "Keep/" + f.stem + ".html", Modified: mod, Content: connector.Compressible})
	if err != nil {
		return err
	}
	return page.Execute(w, rec)
}

// download reads an attachment whole (images of a few MB), fetching it
// again when the body is cut off in transit.
func (c *Connector) download(ctx context.Context, svc *keep.Service, a *keep.Attachment) ([]byte, error) {
	var last error
	for range c.opts.Attempts {
		res, err := svc.Media.Download(a.Name).MimeType(mimeOf(a)).Context(ctx).Download()
		if err != nil {
			return nil, err // the pacer has retried what can be retried
		}
		var b bytes.Buffer
		_, err = io.Copy(&b, res.Body)
		res.Body.Close()
		if err == nil {
			return b.Bytes(), nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		last = err
	}
	return nil, fmt.Errorf("cut off %d times: %w", c.opts.Attempts, last)
}

func mimeOf(a *keep.Attachment) string {
	if len(a.MimeType) == 0 {
		return "application/octet-stream"
	}
	return a.MimeType[0]
}

func extension(a *keep.Attachment) string {
	switch m := mimeOf(a); m {
	case "image/png":
		return ".png"
	case "image/jpeg":
		return ".jpg"
	case "image/gif":
		return ".gif"
	case "audio/3gpp":
		return ".3gp"
	default:
		if ext, err := mime.ExtensionsByType(m); err == nil && len(ext) > 0 {
			return ext[0]
		}
	}
	return ".bin"
}

func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}
