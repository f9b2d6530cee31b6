package workspace_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	admin "google.golang.org/api/admin/directory/v1"

	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

func TestDirectoryServesTheAccountsOfR1(t *testing.T) {
	t.Parallel()
	opt := synth.Tiny(7)
	opt.Users = 23
	s := start(t, opt, workspace.Faults{})
	ctx := context.Background()
	svc, err := admin.NewService(ctx, clientOpts(t, s, "directory", "admin@example.com")...)
	if err != nil {
		t.Fatal(err)
	}
	cust, err := svc.Customers.Get("my_customer").Do()
	if err != nil {
		t.Fatal(err)
	}
	created, err := time.Parse(time.RFC3339, cust.CustomerCreationTime)
	if err != nil || !created.Before(opt.Now.AddDate(0, 0, -30)) {
		t.Errorf("customerCreationTime %q (%v), want > 30 days before now", cust.CustomerCreationTime, err)
	}

	var users []*admin.User
	pages := 0
	err = svc.Users.List().Customer("my_customer").MaxResults(5).Pages(ctx, func(p *admin.Users) error {
		pages++
		users = append(users, p.Users...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 23 || pages != 5 {
		t.Fatalf("listed %d users in %d pages, want 23 in 5", len(users), pages)
	}
	a := users[0]
	if a.PrimaryEmail != "admin@example.com" || !a.IsAdmin || !a.IsEnrolledIn2Sv || !a.IsEnforcedIn2Sv {
		t.Errorf("first user %+v, want the 2SV-enforced super admin", a)
	}
	admins, err := svc.Users.List().Customer("my_customer").Query("isAdmin=true").Do()
	if err != nil {
		t.Fatal(err)
	}
	var enforced, notEnforced int
	for _, u := range admins.Users {
		if !u.IsAdmin {
			t.Errorf("isAdmin=true returned %s", u.PrimaryEmail)
		}
		if u.IsEnforcedIn2Sv {
			enforced++
		} else {
			notEnforced++
		}
	}
	if enforced < 2 || notEnforced < 1 {
		t.Errorf("super admins: %d enforced, %d not, want ≥2 and ≥1", enforced, notEnforced)
	}
	suspended, err := svc.Users.List().Customer("my_customer").Query("isSuspended=true").Do()
	if err != nil || len(suspended.Users) == 0 {
		t.Fatalf("isSuspended=true: %v, %d users", err, len(suspended.Users))
	}
	var recent, young int
	for _, u := range users {
		c, _ := time.Parse(time.RFC3339, u.CreationTime)
		if opt.Now.Sub(c) < 24*time.Hour {
			recent++
		}
		if opt.Now.Sub(c) < 30*24*time.Hour {
			young++
		}
	}
	if recent == 0 || young <= recent {
		t.Errorf("%d users created in the last 24 h and %d in 30 days; want some of each", recent, young)
	}
	sorted, err := svc.Users.List().Customer("my_customer").OrderBy("email").MaxResults(500).Do()
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(sorted.Users); i++ {
		if sorted.Users[i-1].PrimaryEmail > sorted.Users[i].PrimaryEmail {
			t.Fatalf("orderBy=email: %s before %s", sorted.Users[i-1].PrimaryEmail, sorted.Users[i].PrimaryEmail)
		}
	}
	got, err := svc.Users.Get(users[3].Id).Do()
	if err != nil || got.PrimaryEmail != users[3].PrimaryEmail {
		t.Errorf("users.get by id: %v %v", got, err)
	}
}

func TestDirectoryGroupsResourcesAndRoles(t *testing.T) {
	t.Parallel()
	s := start(t, synth.Tiny(1), workspace.Faults{})
	ctx := context.Background()
	svc, err := admin.NewService(ctx, clientOpts(t, s, "directory", "admin@example.com")...)
	if err != nil {
		t.Fatal(err)
	}
	groups, err := svc.Groups.List().Customer("my_customer").Do()
	if err != nil || len(groups.Groups) != 3 {
		t.Fatalf("groups: %v, %+v", err, groups)
	}
	ownerless := 0
	for _, g := range groups.Groups {
		ms, err := svc.Members.List(g.Email).Do()
		if err != nil {
			t.Fatal(err)
		}
		owners := 0
		for _, m := range ms.Members {
			if m.Role == "OWNER" {
				owners++
			}
		}
		if owners == 0 {
			ownerless++
		}
	}
	if ownerless == 0 {
		t.Error("no ownerless group")
	}
	res, err := svc.Resources.Calendars.List("my_customer").Do()
	if err != nil || len(res.Items) != 2 || res.Items[0].ResourceEmail == "" {
		t.Fatalf("resources: %v %+v", err, res)
	}
	roles, err := svc.Roles.List("my_customer").Do()
	if err != nil {
		t.Fatal(err)
	}
	var super string
	for _, r := range roles.Items {
		if r.IsSuperAdminRole {
			super = strconv.FormatInt(r.RoleId, 10)
		}
	}
	ras, err := svc.RoleAssignments.List("my_customer").RoleId(super).Do()
	if err != nil || len(ras.Items) != 3 {
		t.Fatalf("super admin role assignments: %v, %d, want 3", err, len(ras.Items))
	}
}

func TestDirectoryRefusesNonAdmins(t *testing.T) {
	t.Parallel()
	s := start(t, synth.Tiny(1), workspace.Faults{})
	user := s.Org().Users()[4].Email // [5] is a delegated admin
	svc, err := admin.NewService(context.Background(), clientOpts(t, s, "directory", user)...)
	if err != nil {
		t.Fatal(err)
	}
	_, err = svc.Users.List().Customer("my_customer").Do()
	wantAPIError(t, err, 403, "forbidden")
}

func TestIDTokensVerifyWithGoOIDC(t *testing.T) {
	t.Parallel()
	s := start(t, synth.Tiny(1), workspace.Faults{})
	ctx := context.Background()
	prov, err := oidc.NewProvider(ctx, s.IssuerURL())
	if err != nil {
		t.Fatal(err)
	}
	tok, err := s.MintIDToken("admin@example.com", "console")
	if err != nil {
		t.Fatal(err)
	}
	idt, err := prov.Verifier(&oidc.Config{ClientID: "console"}).Verify(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	var c struct{ Email, HD string }
	if err := idt.Claims(&c); err != nil || c.Email != "admin@example.com" || c.HD != "example.com" || idt.Subject != s.Org().Users()[0].ID {
		t.Fatalf("claims %+v sub %s: %v", c, idt.Subject, err)
	}
	if _, err := s.MintIDToken("stranger@other.example", "console"); err == nil {
		t.Error("minted a token for a stranger")
	}
	res, err := http.PostForm(s.URL()+"/emulator/idtoken", url.Values{"email": {"admin@example.com"}, "audience": {"console"}})
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		IDToken string `json:"id_token"`
	}
	_ = json.NewDecoder(res.Body).Decode(&body)
	res.Body.Close()
	if _, err := prov.Verifier(&oidc.Config{ClientID: "console"}).Verify(ctx, body.IDToken); err != nil {
		t.Errorf("ID token from /emulator/idtoken: %v", err)
	}
}
