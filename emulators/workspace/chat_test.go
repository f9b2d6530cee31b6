package workspace_test

import (
	"context"
	"strings"
	"testing"

	"google.golang.org/api/chat/v1"

	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

func chatService(t *testing.T, s *workspace.Server, subject string) *chat.Service {
	t.Helper()
	svc, err := chat.NewService(context.Background(), clientOpts(t, s, "chat", subject)...)
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// With useAdminAccess, spaces.members.list needs a member.type filter
// (the discovery document: 'Either member.type = "HUMAN" or member.type !=
// "BOT" is required when use_admin_access is set to true'), and an
// administrator who is not a member sees no member's email.
func TestChatAdminMembersNeedAFilterAndShowNoEmail(t *testing.T) {
	t.Parallel()
	s := start(t, synth.Tiny(1), workspace.Faults{})
	org := s.Org()
	var sp synth.Space
	for i := range org.SpaceCount() {
		if sp = org.Space(i); !sp.Joined(0) && !sp.Orphaned {
			break
		}
	}
	if sp.Joined(0) {
		t.Fatal("every named space has the admin as a member")
	}
	admin := chatService(t, s, "admin@example.com")
	_, err := admin.Spaces.Members.List(sp.Name).UseAdminAccess(true).Do()
	wantAPIError(t, err, 400, "badRequest")
	if !strings.Contains(err.Error(), `member.type = "HUMAN"`) {
		t.Errorf("error %v does not say which filter is required", err)
	}
	for _, f := range []string{`member.type = "BOT"`, `role = "ROLE_MANAGER"`, `member.type == "HUMAN"`, `type = "HUMAN"`} {
		if _, err := admin.Spaces.Members.List(sp.Name).UseAdminAccess(true).Filter(f).Do(); err == nil {
			t.Errorf("filter %q was accepted with useAdminAccess", f)
		}
	}
	page, err := admin.Spaces.Members.List(sp.Name).UseAdminAccess(true).Filter(`member.type = "HUMAN"`).Do()
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Memberships) != len(sp.Members) {
		t.Fatalf("%d memberships, want %d", len(page.Memberships), len(sp.Members))
	}
	for _, m := range page.Memberships {
		if m.Member.Email != "" || m.Member.DisplayName != "" || !strings.HasPrefix(m.Member.Name, "users/") {
			t.Errorf("admin sees member %+v, want its name and type only", m.Member)
		}
	}
	member := chatService(t, s, org.Users()[sp.Members[0]].Email)
	page, err = member.Spaces.Members.List(sp.Name).Filter(`member.type != "BOT" AND role = "ROLE_MANAGER"`).Do()
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Memberships) != 1 || page.Memberships[0].Member.Email == "" {
		t.Fatalf("a member's filtered list %+v, want the manager with an email", page.Memberships)
	}
}

// spaces.search takes the documented field names: customer and
// space_type are required; a field the reference does not name is refused.
func TestChatSearchTakesTheDocumentedFields(t *testing.T) {
	t.Parallel()
	s := start(t, synth.Tiny(1), workspace.Faults{})
	admin := chatService(t, s, "admin@example.com")
	bad := []string{
		`customer = "customers/my_customer" AND spaceType = "SPACE"`,
		`space_type = "SPACE"`,
		`customer = "customers/my_customer"`,
		`customer = "customers/C123" AND space_type = "SPACE"`,
		`customer = "customers/my_customer" OR space_type = "SPACE"`,
	}
	for _, q := range bad {
		_, err := admin.Spaces.Search().UseAdminAccess(true).Query(q).Do()
		if err == nil {
			t.Errorf("query %q was accepted", q)
			continue
		}
		wantAPIError(t, err, 400, "badRequest")
	}
	res, err := admin.Spaces.Search().UseAdminAccess(true).Query(`customer = "customers/my_customer" AND space_type = "SPACE"`).Do()
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Spaces) != s.Org().SpaceCount() {
		t.Fatalf("%d spaces, want %d", len(res.Spaces), s.Org().SpaceCount())
	}
}
