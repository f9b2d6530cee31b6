package workspace

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

func (s *Server) keepRoutes(api func(string, string, http.HandlerFunc)) {
	api("keep", "GET /v1/notes", handle(s.listNotes))
	api("keep", "GET /v1/notes/{note}/attachments/{attachment}", handle(s.downloadAttachment))
}

// listNotes answers notes.list. Without a filter it lists the notes that
// are not trashed; "trashed = true" lists the trash.
func (s *Server) listNotes(w http.ResponseWriter, r *http.Request) error {
	u := subject(r)
	trashed := false
	switch f := strings.Join(strings.Fields(r.URL.Query().Get("filter")), " "); f {
	case "", "trashed = false", "trashed=false":
	case "trashed = true", "trashed=true":
		trashed = true
	default:
		return badRequest("Unsupported filter: " + f)
	}
	start, size, err := page(r, "pageSize", 100, 100)
	if err != nil {
		return err
	}
	var shown []synth.Note
	for n := range s.org.NoteCount(u.Index) {
		if nt := s.org.Note(u.Index, n); nt.Trashed.IsZero() != trashed {
			shown = append(shown, nt)
		}
	}
	end := min(len(shown), start+size)
	items := []obj{}
	for _, nt := range shown[min(start, end):end] {
		items = append(items, noteJSON(nt, u.Email))
	}
	res := obj{"notes": items}
	setNext(res, end, len(shown))
	reply(w, r, res, "")
	return nil
}

func noteJSON(nt synth.Note, owner string) obj {
	o := obj{"name": nt.Name, "title": nt.Title, "createTime": stamp(nt.Created), "updateTime": stamp(nt.Updated),
		"trashed": !nt.Trashed.IsZero()}
	if !nt.Trashed.IsZero() {
		o["trashTime"] = stamp(nt.Trashed)
	}
	if nt.Items != nil {
		o["body"] = obj{"list": obj{"listItems": listItemsJSON(nt.Items)}}
	} else {
		o["body"] = obj{"text": obj{"text": nt.Text}}
	}
	perms := []obj{{"name": nt.Name + "/permissions/p0", "role": "OWNER", "email": owner, "user": obj{"email": owner}}}
	for i, c := range nt.Collaborators {
		perms = append(perms, obj{"name": nt.Name + "/permissions/p" + strconv.Itoa(i+1), "role": "WRITER", "email": c, "user": obj{"email": c}})
	}
	o["permissions"] = perms
	if len(nt.Attachments) > 0 {
		var as []obj
		for _, a := range nt.Attachments {
			as = append(as, obj{"name": a.Name, "mimeType": []string{a.MimeType}})
		}
		o["attachments"] = as
	}
	return o
}

func listItemsJSON(items []synth.ListItem) []obj {
	out := []obj{}
	for _, it := range items {
		o := obj{"text": obj{"text": it.Text}, "checked": it.Checked}
		if len(it.Children) > 0 {
			o["childListItems"] = listItemsJSON(it.Children)
		}
		out = append(out, o)
	}
	return out
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// downloadAttachment is media.download: alt=media and a mimeType the
// attachment has are required. It honours Range, so a download cut off in
// transit can be resumed.
func (s *Server) downloadAttachment(w http.ResponseWriter, r *http.Request) error {
	u := subject(r)
	name := "notes/" + r.PathValue("note")
	nt, ok := s.org.NoteByName(u.Index, name)
	if !ok {
		return notFound("Requested entity was not found.")
	}
	full := name + "/attachments/" + r.PathValue("attachment")
	for _, a := range nt.Attachments {
		if a.Name != full {
			continue
		}
		if r.URL.Query().Get("alt") != "media" {
			reply(w, r, obj{"name": a.Name, "mimeType": []string{a.MimeType}}, "")
			return nil
		}
		if m := r.URL.Query().Get("mimeType"); m != a.MimeType {
			return badRequest("mimeType must be one of the attachment's types: " + a.MimeType)
		}
		if s.faults.failing(a.Name) {
			return apiError{500, "backendError", "Attachment could not be read (emulated)."}
		}
		w.Header().Set("Content-Type", a.MimeType)
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(s.org.NoteImage(u.Index, nt.Index)))
		return nil
	}
	return notFound("Requested entity was not found.")
}
