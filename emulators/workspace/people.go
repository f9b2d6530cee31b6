package workspace

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

func (s *Server) peopleRoutes(api func(string, string, http.HandlerFunc), mux *http.ServeMux) {
	api("people", "GET /v1/people/{person}/connections", handle(s.listConnections))
	api("people", "GET /v1/contactGroups", handle(s.listContactGroups))
	api("people", "GET /v1/otherContacts", handle(s.listOtherContacts))
	// Contact photos are public URLs, as Google's are.
	mux.HandleFunc("GET /emulator/photos/{user}/{n}", s.servePhoto)
}

// personMask reads personFields/readMask, which People requires.
func personMask(r *http.Request, param string) (map[string]bool, error) {
	v := r.URL.Query().Get(param)
	if v == "" {
		return nil, apiError{400, "badRequest", param + " mask is required. Please specify one or more valid paths."}
	}
	m := map[string]bool{}
	for _, f := range strings.Split(v, ",") {
		m[strings.TrimSpace(f)] = true
	}
	return m, checkMask(param, m)
}

func (s *Server) personJSON(r *http.Request, p synth.Person, user, n int, mask map[string]bool) obj {
	o := obj{"resourceName": p.ResourceName, "etag": etag(p.ResourceName)}
	src := obj{"primary": true, "source": obj{"type": "CONTACT", "id": strings.TrimPrefix(p.ResourceName, "people/")}}
	if mask["names"] {
		o["names"] = []obj{{"metadata": src, "displayName": p.Given + " " + p.Family, "givenName": p.Given, "familyName": p.Family}}
	}
	if mask["emailAddresses"] {
		o["emailAddresses"] = []obj{{"metadata": src, "value": p.Email, "type": "work"}}
	}
	if mask["phoneNumbers"] && p.Phone != "" {
		o["phoneNumbers"] = []obj{{"metadata": src, "value": p.Phone, "type": "mobile"}}
	}
	if mask["photos"] && p.Photo {
		o["photos"] = []obj{{"metadata": src, "url": fmt.Sprintf("http://%s/emulator/photos/%d/%d", r.Host, user, n)}}
	}
	if d, ok := s.org.ContactDetails(user, n); ok && strings.HasPrefix(p.ResourceName, "people/") {
		addDetails(o, d, src, mask)
	}
	if mask["memberships"] {
		var ms []obj
		for _, g := range p.Groups {
			ms = append(ms, obj{"contactGroupMembership": obj{"contactGroupResourceName": g, "contactGroupId": strings.TrimPrefix(g, "contactGroups/")}})
		}
		o["memberships"] = ms
	}
	return o
}

func (s *Server) listConnections(w http.ResponseWriter, r *http.Request) error {
	u := subject(r)
	if p := r.PathValue("person"); p != "me" {
		return forbidden("The caller does not have permission")
	}
	mask, err := personMask(r, "personFields")
	if err != nil {
		return err
	}
	start, size, err := peoplePage(r, 100)
	if err != nil {
		return err
	}
	n := s.org.ContactCount(u.Index)
	end := min(n, start+size)
	items := []obj{}
	for i := min(start, end); i < end; i++ {
		items = append(items, s.personJSON(r, s.org.Contact(u.Index, i), u.Index, i, mask))
	}
	res := obj{"connections": items, "totalPeople": n, "totalItems": n}
	setNext(res, end, n)
	reply(w, r, res, "")
	return nil
}

func (s *Server) listOtherContacts(w http.ResponseWriter, r *http.Request) error {
	u := subject(r)
	mask, err := personMask(r, "readMask")
	if err != nil {
		return err
	}
	start, size, err := peoplePage(r, 100)
	if err != nil {
		return err
	}
	n := s.org.OtherContactCount(u.Index)
	end := min(n, start+size)
	items := []obj{}
	for i := min(start, end); i < end; i++ {
		items = append(items, s.personJSON(r, s.org.OtherContact(u.Index, i), u.Index, i, mask))
	}
	res := obj{"otherContacts": items, "totalSize": n}
	setNext(res, end, n)
	reply(w, r, res, "")
	return nil
}

func (s *Server) listContactGroups(w http.ResponseWriter, r *http.Request) error {
	u := subject(r)
	gs := s.org.ContactGroups(u.Index)
	if !s.org.HasData() {
		gs = nil
	}
	start, size, err := peoplePage(r, 30)
	if err != nil {
		return err
	}
	fields := map[string]bool{"metadata": true, "groupType": true, "memberCount": true, "name": true}
	if v := r.URL.Query().Get("groupFields"); v != "" {
		fields = map[string]bool{}
		for _, f := range strings.Split(v, ",") {
			fields[strings.TrimSpace(f)] = true
		}
	}
	end := min(len(gs), start+size)
	items := []obj{}
	for _, g := range gs[min(start, end):end] {
		items = append(items, groupJSON(g, fields))
	}
	res := obj{"contactGroups": items, "totalItems": len(gs)}
	setNext(res, end, len(gs))
	reply(w, r, res, "")
	return nil
}

// groupJSON is a contact group with the fields of groupFields (default
// metadata, groupType, memberCount, name).
func groupJSON(g synth.ContactGroup, fields map[string]bool) obj {
	o := obj{"resourceName": g.ResourceName, "etag": etag(g.ResourceName)}
	if fields["name"] {
		o["name"], o["formattedName"] = g.Name, g.Name
	}
	if fields["groupType"] {
		o["groupType"] = g.Type
	}
	if fields["memberCount"] {
		o["memberCount"] = g.Members
	}
	if fields["metadata"] {
		o["metadata"] = obj{"updateTime": "2026-01-01T00:00:00Z"}
	}
	return o
}

func (s *Server) servePhoto(w http.ResponseWriter, r *http.Request) {
	u, err1 := strconv.Atoi(r.PathValue("user"))
	n, err2 := strconv.Atoi(r.PathValue("n"))
	if err1 != nil || err2 != nil || u < 0 || u >= len(s.org.Users()) || n < 0 || n >= s.org.ContactCount(u) || !s.org.Contact(u, n).Photo {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	_, _ = w.Write(s.org.Photo(u, n))
}

// peoplePage reads People's page size: "Valid values are between 1 and
// 1000, inclusive. Defaults to … if not set or set to 0" (the reference's
// words for connections, contact groups and other contacts): above 1000
// is 400 INVALID_ARGUMENT, not capped.
func peoplePage(r *http.Request, def int) (start, size int, err error) {
	if v, e := strconv.Atoi(r.URL.Query().Get("pageSize")); e == nil && v > 1000 {
		return 0, 0, invalidArgument("page_size", "Page size must be between 1 and 1000, inclusive.")
	}
	return zeroPage(r, "pageSize", def, 1000)
}
