package keep

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"time"

	"google.golang.org/api/keep/v1"

	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
)

// writeNote writes the note's attachments, then its JSON and HTML; of
// what want asks for, only that: the note's JSON and HTML then list every
// attachment that is not failing now, as the whole export's do (the
// attachments not asked for are in the export retried), and an attachment
// asked for alone is written alone.
func (c *Connector) writeNote(ctx context.Context, svc *keep.Service, e connector.Emitter, n *keep.Note, f files, want *connector.Wanted) error {
	mod := parseTime(n.UpdateTime)
	whole := want.Asked(n.Name)
	var saved []Attachment
	for k, a := range n.Attachments {
		if !want.Asked(a.Name) {
			saved = append(saved, Attachment{FilePath: f.attachments[k], MimeType: mimeOf(a)})
			continue
		}
		path := "Keep/" + f.attachments[k]
		w, err := e.Create(connector.Entry{Path: path, Modified: mod, Content: connector.Compressed, ItemID: a.Name})
		if err != nil {
			return err
		}
		if err := download(ctx, svc, a, w); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if errors.As(err, new(*connector.WriteError)) {
				return err
			}
			// Failing the entry's own item leaves the entry out.
			e.Fail(connector.Failure{Product: export.Keep, ItemID: a.Name, Path: path, Reason: "attachment download failed: " + err.Error()})
			continue
		}
		saved = append(saved, Attachment{FilePath: f.attachments[k], MimeType: mimeOf(a)})
	}
	if !whole {
		return nil
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

// download streams an attachment into w; a body cut off in transit is
// resumed where it broke off (connector.Download). Errors with a status
// have been retried by the pacer.
func download(ctx context.Context, svc *keep.Service, a *keep.Attachment, w io.Writer) error {
	_, err := connector.Download(ctx, "Keep", func(offset int64) (*http.Response, error) {
		call := svc.Media.Download(a.Name).MimeType(mimeOf(a)).Context(ctx)
		if offset > 0 {
			call.Header().Set("Range", fmt.Sprintf("bytes=%d-", offset))
		}
		return call.Download()
	}, connector.Sink(w))
	return err
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
