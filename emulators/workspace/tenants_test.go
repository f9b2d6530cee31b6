package workspace_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	admin "google.golang.org/api/admin/directory/v1"

	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

func twoOrgs(t *testing.T) (*workspace.Server, *synth.Org, *synth.Org) {
	t.Helper()
	a, err := synth.New(synth.Tiny(1))
	if err != nil {
		t.Fatal(err)
	}
	ob := synth.Tiny(2)
	ob.Domain = "other.example"
	b, err := synth.New(ob)
	if err != nil {
		t.Fatal(err)
	}
	s, err := workspace.Start(workspace.Config{Org: a, Orgs: []*synth.Org{b}, Operators: []string{"Support@Operator.example"}}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, a, b
}

func directory(t *testing.T, s *workspace.Server, subject string) *admin.Service {
	t.Helper()
	svc, err := admin.NewService(context.Background(), clientOpts(t, s, "directory", subject)...)
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// TestOrganisationsAreRoutedBySubject: each admin's "my_customer" is their
// own organisation, and another organisation's users and customer id are
// as unknown to them as names that exist nowhere.
func TestOrganisationsAreRoutedBySubject(t *testing.T) {
	t.Parallel()
	s, a, b := twoOrgs(t)
	for _, org := range []*synth.Org{a, b} {
		other := a
		if org == a {
			other = b
		}
		svc := directory(t, s, org.Users()[0].Email)
		c, err := svc.Customers.Get("my_customer").Do()
		if err != nil || c.Id != org.Customer().ID || c.CustomerDomain != org.Customer().Domain {
			t.Fatalf("%s: my_customer = %+v, %v", org.Customer().Domain, c, err)
		}
		users, err := svc.Users.List().Customer("my_customer").Do()
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range users.Users {
			if !strings.HasSuffix(u.PrimaryEmail, "@"+org.Customer().Domain) || u.CustomerId != org.Customer().ID {
				t.Errorf("%s lists %s of customer %s", org.Customer().Domain, u.PrimaryEmail, u.CustomerId)
			}
		}
		_, errForeign := svc.Users.Get(other.Users()[1].Email).Do()
		_, errNone := svc.Users.Get("nobody@" + org.Customer().Domain).Do()
		if errForeign == nil || errNone == nil || errForeign.Error() != strings.ReplaceAll(errNone.Error(), "nobody@"+org.Customer().Domain, other.Users()[1].Email) {
			t.Errorf("foreign user: %v; unknown user: %v", errForeign, errNone)
		}
		if _, err := svc.Users.List().Customer(other.Customer().ID).Do(); err == nil {
			t.Errorf("%s lists the users of customer %s", org.Customer().Domain, other.Customer().ID)
		}
	}
}

func TestDelegatedAdminReadsDirectoryOnly(t *testing.T) {
	t.Parallel()
	s, a, _ := twoOrgs(t)
	var delegated synth.User
	for _, u := range a.Users() {
		if u.DelegatedAdmin {
			delegated = u
		}
	}
	if delegated.Email == "" || delegated.Admin {
		t.Fatalf("no delegated (non-super) admin in the organisation: %+v", delegated)
	}
	u, err := directory(t, s, delegated.Email).Users.Get(delegated.Email).Do()
	if err != nil {
		t.Fatal(err)
	}
	if u.IsAdmin || !u.IsDelegatedAdmin {
		t.Errorf("isAdmin %v isDelegatedAdmin %v, want false true", u.IsAdmin, u.IsDelegatedAdmin)
	}
	plain := a.Users()[4]
	if _, err := directory(t, s, plain.Email).Users.Get(plain.Email).Do(); err == nil {
		t.Error("a user without an admin role read the Directory")
	}
}

func TestIDTokensForEveryOrganisationAndOperators(t *testing.T) {
	t.Parallel()
	s, a, b := twoOrgs(t)
	for _, email := range []string{a.Users()[0].Email, b.Users()[3].Email, "support@operator.example"} {
		if _, err := s.MintIDToken(email, "console"); err != nil {
			t.Errorf("%s: %v", email, err)
		}
	}
	if _, err := s.MintIDToken("admin@unknown.example", "console"); err == nil {
		t.Error("an ID token for a user of no organisation")
	}
	// Operators have no Workspace data: no access token for them.
	ts, _ := s.TokenSource(context.Background(), "support@operator.example")
	if _, err := ts.Token(); err == nil {
		t.Error("an access token for an operator account")
	}
	tb, ok := s.Tenant("other.example")
	if !ok || tb.Org() != b || len(tb.Accounts()) == 0 || len(s.Orgs()) != 2 {
		t.Fatalf("Tenant(other.example) = %v, %v", tb, ok)
	}
	res, err := http.Get(s.URL() + "/emulator/truth?organisation=other.example")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	buf := new(strings.Builder)
	_, _ = io.Copy(buf, res.Body)
	if !strings.Contains(buf.String(), "@other.example") || strings.Contains(buf.String(), "@example.com") {
		t.Errorf("truth of other.example: %.300s", buf)
	}
}
