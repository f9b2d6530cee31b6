package keep

import (
	_ "embed"
	"html/template"
	"strings"
	"time"

	"google.golang.org/api/keep/v1"
)

// Schema is the JSON Schema of a note's JSON file.
//
//go:embed note.schema.json
var Schema []byte

// Note is a note's JSON file, in Takeout's names where the Keep API has the
// field (see the package doc for what it lacks).
type Note struct {
	Name                    string       `json:"name"`
	Title                   string       `json:"title"`
	TextContent             *string      `json:"textContent,omitempty"`
	ListContent             []ListItem   `json:"listContent,omitempty"`
	IsTrashed               bool         `json:"isTrashed"`
	TrashedTimestampUsec    int64        `json:"trashedTimestampUsec,omitempty"`
	CreatedTimestampUsec    int64        `json:"createdTimestampUsec"`
	UserEditedTimestampUsec int64        `json:"userEditedTimestampUsec"`
	Sharees                 []Sharee     `json:"sharees"`
	Attachments             []Attachment `json:"attachments,omitempty"`
}

// ListItem is a checklist item; Children are its indented items.
type ListItem struct {
	Text      string     `json:"text"`
	IsChecked bool       `json:"isChecked"`
	Children  []ListItem `json:"childListItems,omitempty"`
}

// Sharee is the owner or a collaborator of the note.
type Sharee struct {
	Email   string `json:"email"`
	IsOwner bool   `json:"isOwner"`
	Type    string `json:"type"` // user, group or family
	Deleted bool   `json:"deleted,omitempty"`
}

// Attachment is a file saved beside the note.
type Attachment struct {
	FilePath string `json:"filePath"`
	MimeType string `json:"mimetype"`
}

func record(n *keep.Note, saved []Attachment) Note {
	r := Note{Name: n.Name, Title: n.Title, IsTrashed: n.Trashed, Sharees: []Sharee{}, Attachments: saved,
		CreatedTimestampUsec: usec(n.CreateTime), UserEditedTimestampUsec: usec(n.UpdateTime)}
	if n.Trashed {
		r.TrashedTimestampUsec = usec(n.TrashTime)
	}
	if n.Body != nil && n.Body.List != nil {
		r.ListContent = listItems(n.Body.List.ListItems)
	} else {
		text := ""
		if n.Body != nil && n.Body.Text != nil {
			text = n.Body.Text.Text
		}
		r.TextContent = &text
	}
	for _, p := range n.Permissions {
		s := Sharee{Email: p.Email, IsOwner: p.Role == "OWNER", Type: "user", Deleted: p.Deleted}
		if p.Group != nil {
			s.Type = "group"
		} else if p.Family != nil {
			s.Type = "family"
		}
		r.Sharees = append(r.Sharees, s)
	}
	return r
}

func listItems(items []*keep.ListItem) []ListItem {
	out := []ListItem{}
	for _, it := range items {
		li := ListItem{IsChecked: it.Checked}
		if it.Text != nil {
			li.Text = it.Text.Text
		}
		if len(it.ChildListItems) > 0 {
			li.Children = listItems(it.ChildListItems)
		}
		out = append(out, li)
	}
	return out
}

func usec(s string) int64 {
	t := parseTime(s)
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

// page renders a note; html/template escapes every value.
var page = template.Must(template.New("note").Funcs(template.FuncMap{
	"lines":   func(s string) []string { return strings.Split(s, "\n") },
	"isImage": func(m string) bool { return strings.HasPrefix(m, "image/") },
	"when":    func(us int64) string { return time.UnixMicro(us).UTC().Format("2 Jan 2006 15:04 UTC") },
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{{if .Title}}{{.Title}}{{else}}Note{{end}}</title>
<style>body{font-family:sans-serif;max-width:40em;margin:2em auto}.checked{text-decoration:line-through;color:#666}
.meta{color:#555;font-size:90%}img{max-width:100%}</style></head>
<body><h1>{{.Title}}</h1>
<p class="meta">Created {{when .CreatedTimestampUsec}}, edited {{when .UserEditedTimestampUsec}}{{if .IsTrashed}}; in the trash since {{when .TrashedTimestampUsec}}{{end}}</p>
{{with .TextContent}}<div class="text">{{range lines .}}{{.}}<br>{{end}}</div>{{end}}
{{if .ListContent}}{{template "list" .ListContent}}{{end}}
{{range .Attachments}}{{if isImage .MimeType}}<p><img src="{{.FilePath}}" alt=""></p>{{else}}<p><a href="{{.FilePath}}">{{.FilePath}}</a></p>{{end}}{{end}}
{{if .Sharees}}<p class="meta">Shared with: {{range $i, $s := .Sharees}}{{if $i}}, {{end}}{{$s.Email}}{{if $s.IsOwner}} (owner){{end}}{{end}}</p>{{end}}
</body></html>
{{define "list"}}<ul>{{range .}}<li{{if .IsChecked}} class="checked"{{end}}>{{if .IsChecked}}&#9745;{{else}}&#9744;{{end}} {{.Text}}{{if .Children}}{{template "list" .Children}}{{end}}</li>{{end}}</ul>{{end}}
`))
