package workspace

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"hash/fnv"
	"net/http"
	"net/textproto"
	"slices"
	"strconv"
	"strings"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

func (s *Server) gmailRoutes(api func(string, string, http.HandlerFunc)) {
	api("gmail", "GET /gmail/v1/users/{userId}/messages", handle(s.listMessages))
	api("gmail", "GET /gmail/v1/users/{userId}/messages/{id}", handle(s.getMessage))
	api("gmail", "GET /gmail/v1/users/{userId}/labels", handle(s.listLabels))
}

// mailbox checks userId is "me" or the token's own user (with delegation a
// token is for one user; Gmail answers others with "Delegation denied").
func mailbox(r *http.Request) (synth.User, error) {
	u := subject(r)
	if id := r.PathValue("userId"); id != "me" && !strings.EqualFold(id, u.Email) {
		return u, forbidden("Delegation denied for " + u.Email)
	}
	return u, nil
}

func (s *Server) listLabels(w http.ResponseWriter, r *http.Request) error {
	u, err := mailbox(r)
	if err != nil {
		return err
	}
	var items []obj
	for _, l := range s.org.Labels(u.Index) {
		t := "user"
		if l.System {
			t = "system"
		}
		items = append(items, obj{"id": l.ID, "name": l.Name, "type": t, "messageListVisibility": "show", "labelListVisibility": "labelShow"})
	}
	reply(w, r, obj{"labels": items}, "")
	return nil
}

// listMessages lists newest first; labelIds filters; Spam and Trash only
// with includeSpamTrash; q is not interpreted.
func (s *Server) listMessages(w http.ResponseWriter, r *http.Request) error {
	u, err := mailbox(r)
	if err != nil {
		return err
	}
	start, size, err := page(r, "maxResults", 100, 500)
	if err != nil {
		return err
	}
	want := r.URL.Query()["labelIds"]
	spamTrash := boolParam(r, "includeSpamTrash")
	n := s.org.MessageCount(u.Index)
	items := []obj{}
	i := start
	for ; i < n && len(items) < size; i++ {
		m := s.org.Message(u.Index, n-1-i)
		hidden := !spamTrash && (slices.Contains(m.LabelIDs, "SPAM") || slices.Contains(m.LabelIDs, "TRASH"))
		if !hidden && hasLabels(m.LabelIDs, want) {
			items = append(items, obj{"id": m.ID, "threadId": m.ThreadID})
		}
	}
	res := obj{"messages": items, "resultSizeEstimate": n}
	setNext(res, i, n)
	if len(items) == 0 {
		delete(res, "messages")
	}
	reply(w, r, res, "")
	return nil
}

func hasLabels(have, want []string) bool {
	for _, l := range want {
		if !slices.Contains(have, l) {
			return false
		}
	}
	return true
}

func (s *Server) getMessage(w http.ResponseWriter, r *http.Request) error {
	u, err := mailbox(r)
	if err != nil {
		return err
	}
	j, ok := s.org.MessageIndex(u.Index, r.PathValue("id"))
	if !ok {
		return notFound("Requested entity was not found.")
	}
	m := s.org.Message(u.Index, j)
	if s.faults.deleted(m.ID) {
		return notFound("Requested entity was not found.")
	}
	if s.faults.failing(m.ID) {
		return apiError{500, "backendError", "Backend Error"}
	}
	raw := s.org.Raw(u.Index, j)
	res := obj{"id": m.ID, "threadId": m.ThreadID, "labelIds": m.LabelIDs, "snippet": m.Subject,
		"historyId": strconv.Itoa(1000 + j), "internalDate": strconv.FormatInt(m.Internal.UnixMilli(), 10), "sizeEstimate": len(raw)}
	switch f := r.URL.Query().Get("format"); f {
	case "raw":
		res["raw"] = base64.URLEncoding.EncodeToString(raw)
	case "minimal":
	case "metadata", "full", "":
		res["payload"] = payload(raw, r.URL.Query()["metadataHeaders"], f != "metadata")
	default:
		return apiError{400, "invalidArgument", "Invalid format: " + f}
	}
	reply(w, r, res, "")
	return nil
}

// payload is the message's top part: its headers (the full format's body
// parts are not emulated; its raw form has every byte).
func payload(raw []byte, only []string, full bool) obj {
	hdr, _ := textproto.NewReader(bufio.NewReader(bytes.NewReader(raw))).ReadMIMEHeader()
	var hs []obj
	keys := make([]string, 0, len(hdr))
	for k := range hdr {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if len(only) > 0 && !slices.ContainsFunc(only, func(o string) bool { return strings.EqualFold(o, k) }) {
			continue
		}
		for _, v := range hdr[k] {
			hs = append(hs, obj{"name": k, "value": v})
		}
	}
	mt, _, _ := strings.Cut(hdr.Get("Content-Type"), ";")
	p := obj{"partId": "", "mimeType": mt, "headers": hs}
	if full {
		p["filename"] = ""
	}
	return p
}

func hashString(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}
