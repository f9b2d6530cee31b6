package workspace

import (
	"bytes"
	"net/http"
	"time"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

func (s *Server) chatRoutes(api func(string, string, http.HandlerFunc)) {
	api("chat", "GET /v1/spaces", handle(s.listSpaces))
	api("chat", "GET /v1/spaces:search", handle(s.searchSpaces))
	api("chat", "GET /v1/spaces/{space}", handle(s.getSpace))
	api("chat", "GET /v1/spaces/{space}/members", handle(s.listSpaceMembers))
	api("chat", "GET /v1/spaces/{space}/messages", handle(s.listChatMessages))
	api("chat", "GET /v1/media/{resource...}", handle(s.downloadChatMedia))
}

// listSpaces is spaces.list: the spaces the caller is a member of.
func (s *Server) listSpaces(w http.ResponseWriter, r *http.Request) error {
	u := subject(r)
	var mine []synth.Space
	for _, sp := range s.org.ChatSpaces() {
		if sp.Joined(u.Index) {
			mine = append(mine, sp)
		}
	}
	return s.spacePage(w, r, mine, "spaces")
}

// searchSpaces is spaces.search, for administrators with useAdminAccess:
// the organisation's named spaces. The query is checked as the reference
// describes it (chatquery.go).
func (s *Server) searchSpaces(w http.ResponseWriter, r *http.Request) error {
	if !boolParam(r, "useAdminAccess") {
		// Without admin access the search needs display_name to find
		// anything; the connectors never search so.
		return invalidArgument("use_admin_access", "spaces.search without useAdminAccess is not emulated")
	}
	if err := requireAdmin(r); err != nil {
		return err
	}
	if err := checkSearchQuery(r.URL.Query().Get("query")); err != nil {
		return err
	}
	var named []synth.Space
	for i := range s.org.SpaceCount() {
		named = append(named, s.org.Space(i))
	}
	return s.spacePage(w, r, named, "spaces")
}

func (s *Server) spacePage(w http.ResponseWriter, r *http.Request, spaces []synth.Space, key string) error {
	// spaces.list and an admin's spaces.search: 100 by default, at most
	// 1,000 (a larger size is changed to 1,000).
	start, size, err := zeroPage(r, "pageSize", 100, 1000)
	if err != nil {
		return err
	}
	end := min(len(spaces), start+size)
	items := []obj{}
	for _, sp := range spaces[min(start, end):end] {
		items = append(items, s.spaceJSON(sp))
	}
	res := obj{key: items}
	setNext(res, end, len(spaces))
	reply(w, r, res, "")
	return nil
}

func (s *Server) spaceJSON(sp synth.Space) obj {
	o := obj{"name": sp.Name, "spaceType": sp.Type, "type": map[string]string{"SPACE": "ROOM", "GROUP_CHAT": "ROOM", "DIRECT_MESSAGE": "DM"}[sp.Type],
		"createTime": stamp(sp.Created), "membershipCount": obj{"joinedDirectHumanUserCount": len(s.members(sp))},
		"spaceUri": "https://chat.google.com/room/" + sp.ID, "customer": "customers/" + s.org.Customer().ID}
	if sp.Type == "SPACE" {
		o["displayName"] = sp.DisplayName
		o["spaceThreadingState"] = "THREADED_MESSAGES"
	}
	return o
}

// space finds the space and checks access: a member, or an administrator
// with useAdminAccess for a named space.
func (s *Server) space(r *http.Request, adminOK bool) (synth.Space, error) {
	sp, ok := s.org.SpaceByName(r.PathValue("space"))
	if !ok {
		return sp, notFound("Space not found.")
	}
	u := subject(r)
	if sp.Joined(u.Index) {
		return sp, nil
	}
	if adminOK && boolParam(r, "useAdminAccess") && u.Admin && sp.Type == "SPACE" {
		return sp, nil
	}
	return sp, forbidden("The caller is not a member of the space.")
}

func (s *Server) getSpace(w http.ResponseWriter, r *http.Request) error {
	sp, err := s.space(r, true)
	if err != nil {
		return err
	}
	reply(w, r, s.spaceJSON(sp), "")
	return nil
}

func (s *Server) listSpaceMembers(w http.ResponseWriter, r *http.Request) error {
	sp, err := s.space(r, true)
	if err != nil {
		return err
	}
	keep, err := parseMemberFilter(r.URL.Query().Get("filter"), boolParam(r, "useAdminAccess"))
	if err != nil {
		return err
	}
	// A member's email and display name are filled in only for a caller
	// who is a member of the space (the User schema's own words); an
	// administrator's access shows the resource name and type only.
	visible := sp.Joined(subject(r).Index)
	start, size, err := zeroPage(r, "pageSize", 100, 1000)
	if err != nil {
		return err
	}
	var members []int
	var roles []string
	for k, m := range s.members(sp) {
		role := "ROLE_MEMBER"
		if k == 0 && sp.Type == "SPACE" {
			role = "ROLE_MANAGER"
		}
		if keep(role) {
			members, roles = append(members, m), append(roles, role)
		}
	}
	end := min(len(members), start+size)
	items := []obj{}
	for k, m := range members[min(start, end):end] {
		u := s.org.Users()[m]
		member := obj{"name": "users/" + u.ID, "type": "HUMAN"}
		if visible {
			member = chatUser(u)
		}
		items = append(items, obj{"name": sp.Name + "/members/" + u.ID, "state": "JOINED", "role": roles[start+k],
			"createTime": stamp(sp.Created), "member": member})
	}
	res := obj{"memberships": items}
	setNext(res, end, len(members))
	reply(w, r, res, "")
	return nil
}

// members are the space's current members: none in an orphaned space,
// whose members have all left.
func (s *Server) members(sp synth.Space) []int {
	if sp.Orphaned {
		return nil
	}
	return sp.Members
}

func chatUser(u synth.User) obj {
	return obj{"name": "users/" + u.ID, "type": "HUMAN", "displayName": u.FullName(), "email": u.Email}
}

// listChatMessages is messages.list, for members only (the API has no
// administrator access to messages); oldest first, 1,000 per page at most.
func (s *Server) listChatMessages(w http.ResponseWriter, r *http.Request) error {
	sp, err := s.space(r, false)
	if err != nil {
		return err
	}
	start, size, err := zeroPage(r, "pageSize", 25, 1000)
	if err != nil {
		return err
	}
	n := s.org.ChatMessageCount(sp)
	end := min(n, start+size)
	items := []obj{}
	for i := min(start, end); i < end; i++ {
		m := s.org.ChatMessage(sp, i)
		o := obj{"name": m.Name, "sender": chatUser(s.org.Users()[m.Sender]), "createTime": stamp(m.Created),
			"text": m.Text, "thread": obj{"name": m.Thread}, "space": obj{"name": sp.Name}}
		if a := m.Attachment; a != nil {
			o["attachment"] = []obj{{"name": a.Name, "contentName": a.ContentName, "contentType": a.ContentType,
				"source": "UPLOADED_CONTENT", "attachmentDataRef": obj{"resourceName": a.ResourceName}}}
		}
		items = append(items, o)
	}
	res := obj{"messages": items}
	setNext(res, end, n)
	reply(w, r, res, "")
	return nil
}

// downloadChatMedia is media.download (alt=media) for members of the
// attachment's space. Like Google's media endpoints it honours Range, so a
// download cut off in transit can be resumed.
func (s *Server) downloadChatMedia(w http.ResponseWriter, r *http.Request) error {
	sp, n, ok := s.org.ChatAttachmentByResource(r.PathValue("resource"))
	if !ok || r.URL.Query().Get("alt") != "media" {
		return notFound("Requested entity was not found.")
	}
	if !sp.Joined(subject(r).Index) {
		return forbidden("The caller is not a member of the space.")
	}
	if s.faults.failing(s.org.ChatMessage(sp, n).Attachment.Name) {
		return apiError{500, "backendError", "Attachment could not be read (emulated)."}
	}
	w.Header().Set("Content-Type", "text/plain")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(s.org.ChatAttachmentContent(sp, n)))
	return nil
}
