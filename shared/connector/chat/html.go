package chat

import (
	"context"
	"html/template"
	"io"

	"google.golang.org/api/chat/v1"

	"github.com/orgexport/orgexport/shared/connector"
)

var (
	head = template.Must(template.New("head").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.}}</title>
<style>body{font-family:sans-serif;max-width:50em;margin:2em auto}.m{margin:.6em 0}.who{font-weight:bold}.when{color:#666;font-size:85%}</style>
</head><body><h1>{{.}}</h1>
`))
	row = template.Must(template.New("row").Parse(`<div class="m"><span class="who">{{.Creator.Name}}</span> <span class="when">{{.CreatedDate}}</span><div>{{.Text}}</div>{{range .AttachedFiles}}<div><a href="{{.ExportName}}">{{.OriginalName}}</a></div>{{end}}{{range .Annotations}}<div><a href="{{.DriveMetadata.DriveURL}}">{{with .DriveMetadata.Title}}{{.}}{{else}}Drive file{{end}}</a></div>{{end}}</div>
`))
)

// writeHTML streams messages.html: every value through html/template, links
// only to the attachments beside it and to Drive.
func writeHTML(ctx context.Context, svc *chat.Service, sp *chat.Space, w io.Writer, want *connector.Wanted) error {
	title := sp.DisplayName
	if title == "" {
		title = spaceFolder(sp)
	}
	if err := head.Execute(w, title); err != nil {
		return err
	}
	names := newNames()
	for m, err := range messages(ctx, svc, sp.Name) {
		if err != nil {
			return err
		}
		rec := messageRecord(m, names)
		if !want.Asked(m.Name) {
			continue
		}
		if err := row.Execute(w, rec); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, "</body></html>\n")
	return err
}
