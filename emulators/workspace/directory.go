package workspace

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

const (
	dirPrefix       = "/admin/directory/v1"
	superAdminRole  = "91447453409034241"
	groupsAdminRole = "91447453409034242"
)

func (s *Server) directoryRoutes(api func(string, string, http.HandlerFunc)) {
	api("directory", "GET "+dirPrefix+"/customers/{customerKey}", handle(s.getCustomer))
	api("directory", "GET "+dirPrefix+"/users", handle(s.listUsers))
	api("directory", "GET "+dirPrefix+"/users/{userKey}", handle(s.getUser))
	api("directory", "GET "+dirPrefix+"/groups", handle(s.listGroups))
	api("directory", "GET "+dirPrefix+"/groups/{groupKey}/members", handle(s.listMembers))
	api("directory", "GET "+dirPrefix+"/customer/{customer}/resources/calendars", handle(s.listResources))
	api("directory", "GET "+dirPrefix+"/customer/{customer}/roles", handle(s.listRoles))
	api("directory", "GET "+dirPrefix+"/customer/{customer}/roleassignments", handle(s.listRoleAssignments))
}

func rfc3339(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// checkCustomer accepts my_customer, the customer id, and (for domain
// parameters) the domain.
func (s *Server) checkCustomer(key string) error {
	c := s.org.Customer()
	if key == "my_customer" || key == c.ID || key == c.Domain {
		return nil
	}
	return apiError{400, "badRequest", "Bad Request"}
}

// checkCustomerParams checks the customer and domain parameters of a list:
// at least one is needed, and each given must be this organisation's.
func (s *Server) checkCustomerParams(r *http.Request) error {
	q := r.URL.Query()
	c, d := q.Get("customer"), q.Get("domain")
	if c == "" && d == "" {
		return apiError{400, "badRequest", "Bad Request"}
	}
	for _, k := range []string{c, d} {
		if k != "" {
			if err := s.checkCustomer(k); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Server) getCustomer(w http.ResponseWriter, r *http.Request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	if err := s.checkCustomer(r.PathValue("customerKey")); err != nil {
		return err
	}
	c := s.org.Customer()
	reply(w, r, obj{"kind": "admin#directory#customer", "id": c.ID, "customerDomain": c.Domain, "etag": etag(c.ID),
		"customerCreationTime": rfc3339(c.Created), "alternateEmail": "owner@" + c.Domain + ".example", "language": "en"}, "")
	return nil
}

func (s *Server) userJSON(u synth.User) obj {
	o := obj{"kind": "admin#directory#user", "id": u.ID, "etag": etag(u.ID), "primaryEmail": u.Email,
		"name":    obj{"givenName": u.GivenName, "familyName": u.FamilyName, "fullName": u.FullName()},
		"isAdmin": u.Admin, "isDelegatedAdmin": u.DelegatedAdmin, "isEnrolledIn2Sv": u.Enrolled2SV, "isEnforcedIn2Sv": u.Enforce2SV,
		"suspended": u.Suspended, "archived": u.Archived, "creationTime": rfc3339(u.Created), "orgUnitPath": u.OrgUnitPath,
		"customerId": s.org.Customer().ID, "agreedToTerms": true, "changePasswordAtNextLogin": false,
		"includeInGlobalAddressList": true, "isMailboxSetup": true, "ipWhitelisted": false,
		"emails": []obj{{"address": u.Email, "primary": true}},
	}
	if u.Suspended {
		o["suspensionReason"] = "ADMIN"
	}
	return o
}

// userFilter reads the query forms isAdmin=true|false and
// isSuspended=true|false (space-separated, all must hold).
func userFilter(q string) (func(synth.User) bool, error) {
	var tests []func(synth.User) bool
	for _, term := range strings.Fields(q) {
		k, v, ok := strings.Cut(term, "=")
		b, err := strconv.ParseBool(v)
		if !ok || err != nil {
			return nil, apiError{400, "invalid", "Invalid Input: " + q}
		}
		switch k {
		case "isAdmin":
			tests = append(tests, func(u synth.User) bool { return u.Admin == b })
		case "isSuspended":
			tests = append(tests, func(u synth.User) bool { return u.Suspended == b })
		default:
			return nil, apiError{400, "invalid", "Invalid Input: " + q}
		}
	}
	return func(u synth.User) bool {
		for _, t := range tests {
			if !t(u) {
				return false
			}
		}
		return true
	}, nil
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := requireAdmin(r); err != nil {
		return err
	}
	if err := s.checkCustomerParams(r); err != nil {
		return err
	}
	keep, err := userFilter(q.Get("query"))
	if err != nil {
		return err
	}
	start, size, err := page(r, "maxResults", 100, 500)
	if err != nil {
		return err
	}
	order, err := s.userOrder(q.Get("orderBy"), q.Get("sortOrder"))
	if err != nil {
		return err
	}
	users := s.org.Users()
	var items []obj
	i := start
	for ; i < len(users) && len(items) < size; i++ {
		if u := users[order(i)]; keep(u) {
			items = append(items, s.userJSON(u))
		}
	}
	res := obj{"kind": "admin#directory#users", "etag": etag("users"), "users": items}
	setNext(res, i, len(users))
	reply(w, r, res, "")
	return nil
}

// userOrder maps a row to a user index for orderBy (email, givenName,
// familyName; ties by email) and sortOrder; without orderBy, the admin
// comes first, then creation order.
func (s *Server) userOrder(by, dir string) (func(int) int, error) {
	if by == "" {
		return func(i int) int { return i }, nil
	}
	perm, ok := s.userSorts[by]
	if !ok {
		return nil, apiError{400, "invalid", "Invalid Input: orderBy " + by}
	}
	switch dir {
	case "", "ASCENDING":
		return func(i int) int { return int(perm[i]) }, nil
	case "DESCENDING":
		return func(i int) int { return int(perm[len(perm)-1-i]) }, nil
	}
	return nil, apiError{400, "invalid", "Invalid Input: sortOrder " + dir}
}

// sortUsers makes the orderBy permutations (a few ints per user).
func sortUsers(users []synth.User) map[string][]int32 {
	keys := map[string]func(synth.User) string{
		"email":      func(u synth.User) string { return u.Email },
		"givenName":  func(u synth.User) string { return u.GivenName + "\x00" + u.Email },
		"familyName": func(u synth.User) string { return u.FamilyName + "\x00" + u.Email },
	}
	out := map[string][]int32{}
	for name, key := range keys {
		perm := make([]int32, len(users))
		for i := range perm {
			perm[i] = int32(i)
		}
		slices.SortFunc(perm, func(a, b int32) int { return strings.Compare(key(users[a]), key(users[b])) })
		out[name] = perm
	}
	return out
}

func setNext(res obj, next, total int) {
	if next < total {
		res["nextPageToken"] = strconv.Itoa(next)
	}
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	u, ok := s.org.UserByKey(r.PathValue("userKey"))
	if !ok {
		return notFound("Resource Not Found: userKey")
	}
	reply(w, r, s.userJSON(u), "")
	return nil
}

func (s *Server) listGroups(w http.ResponseWriter, r *http.Request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	if err := s.checkCustomerParams(r); err != nil {
		return err
	}
	start, size, err := page(r, "maxResults", 200, 200)
	if err != nil {
		return err
	}
	groups := s.org.Groups()
	end := min(len(groups), start+size)
	items := []obj{}
	for _, g := range groups[min(start, end):end] {
		items = append(items, obj{"kind": "admin#directory#group", "id": g.ID, "etag": etag(g.ID), "email": g.Email,
			"name": g.Name, "description": g.Description, "directMembersCount": strconv.Itoa(len(g.Members)), "adminCreated": true})
	}
	res := obj{"kind": "admin#directory#groups", "etag": etag("groups"), "groups": items}
	setNext(res, end, len(groups))
	reply(w, r, res, "")
	return nil
}

func (s *Server) listMembers(w http.ResponseWriter, r *http.Request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	key := r.PathValue("groupKey")
	var group *synth.Group
	for _, g := range s.org.Groups() {
		if g.ID == key || strings.EqualFold(g.Email, key) {
			group = &g
			break
		}
	}
	if group == nil {
		return notFound("Resource Not Found: groupKey")
	}
	start, size, err := page(r, "maxResults", 200, 200)
	if err != nil {
		return err
	}
	roles := r.URL.Query().Get("roles")
	users := s.org.Users()
	items := []obj{}
	i := start
	for ; i < len(group.Members) && len(items) < size; i++ {
		m := group.Members[i]
		if roles != "" && !strings.Contains(roles, m.Role) {
			continue
		}
		u := users[m.UserIndex]
		items = append(items, obj{"kind": "admin#directory#member", "id": u.ID, "etag": etag(group.ID + u.ID),
			"email": u.Email, "role": m.Role, "type": "USER", "status": "ACTIVE"})
	}
	res := obj{"kind": "admin#directory#members", "etag": etag(group.ID), "members": items}
	setNext(res, i, len(group.Members))
	reply(w, r, res, "")
	return nil
}

func (s *Server) listResources(w http.ResponseWriter, r *http.Request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	if err := s.checkCustomer(r.PathValue("customer")); err != nil {
		return err
	}
	start, size, err := page(r, "maxResults", 100, 500)
	if err != nil {
		return err
	}
	res := s.org.Resources()
	end := min(len(res), start+size)
	items := []obj{}
	for _, c := range res[min(start, end):end] {
		items = append(items, obj{"kind": "admin#directory#resources#calendars#CalendarResource", "etags": etag(c.ID),
			"resourceId": c.ID, "resourceName": c.Name, "resourceEmail": c.Email, "resourceType": "Conference room",
			"generatedResourceName": "HQ-1-" + c.Name + " (8)", "capacity": 8, "resourceCategory": "CONFERENCE_ROOM"})
	}
	out := obj{"kind": "admin#directory#resources#calendars#calendarResourcesList", "etag": etag("resources"), "items": items}
	setNext(out, end, len(res))
	reply(w, r, out, "")
	return nil
}

func (s *Server) listRoles(w http.ResponseWriter, r *http.Request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	if err := s.checkCustomer(r.PathValue("customer")); err != nil {
		return err
	}
	role := func(id, name, desc string, super bool) obj {
		return obj{"kind": "admin#directory#role", "etag": etag(id), "roleId": id, "roleName": name, "roleDescription": desc,
			"isSystemRole": true, "isSuperAdminRole": super,
			"rolePrivileges": []obj{{"privilegeName": "SUPER_ADMIN", "serviceId": "00haapch16h1ysv"}}}
	}
	reply(w, r, obj{"kind": "admin#directory#roles", "etag": etag("roles"), "items": []obj{
		role(superAdminRole, "_SEED_ADMIN_ROLE", "Super Admin", true),
		role(groupsAdminRole, "_GROUPS_ADMIN_ROLE", "Groups Administrator", false),
	}}, "")
	return nil
}

// listRoleAssignments assigns the super admin role to every admin user;
// filters roleId and userKey are honoured.
func (s *Server) listRoleAssignments(w http.ResponseWriter, r *http.Request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	if err := s.checkCustomer(r.PathValue("customer")); err != nil {
		return err
	}
	q := r.URL.Query()
	if id := q.Get("roleId"); id != "" && id != superAdminRole {
		reply(w, r, obj{"kind": "admin#directory#roleAssignments", "etag": etag("ra"), "items": []obj{}}, "")
		return nil
	}
	var only *synth.User
	if k := q.Get("userKey"); k != "" {
		u, ok := s.org.UserByKey(k)
		if !ok {
			return notFound("Resource Not Found: userKey")
		}
		only = &u
	}
	start, size, err := page(r, "maxResults", 100, 200)
	if err != nil {
		return err
	}
	users := s.org.Users()
	items := []obj{}
	i := start
	for ; i < len(users) && len(items) < size; i++ {
		u := users[i]
		if !u.Admin || (only != nil && only.Index != u.Index) {
			continue
		}
		items = append(items, obj{"kind": "admin#directory#roleAssignment", "etag": etag("ra" + u.ID),
			"roleAssignmentId": fmt.Sprintf("9%017d", u.Index), "roleId": superAdminRole, "assignedTo": u.ID,
			"assigneeType": "user", "scopeType": "CUSTOMER"})
	}
	res := obj{"kind": "admin#directory#roleAssignments", "etag": etag("ra"), "items": items}
	setNext(res, i, len(users))
	reply(w, r, res, "")
	return nil
}

func etag(s string) string { return fmt.Sprintf(`"%x"`, hashString(s)) }
