package directory_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/connector/connectortest"
	"github.com/orgexport/orgexport/shared/directory"
	"github.com/orgexport/orgexport/shared/export"
)

func start(t *testing.T) (*connectortest.Env, *directory.Reader, synth.Options) {
	opts := synth.Tiny(6)
	opts.Users, opts.Groups, opts.SharedDrives, opts.Resources = 1203, 205, 103, 3
	opts.MetadataOnly = true
	env := connectortest.Start(t, opts)
	return env, directory.New(env.Factory, env.Admin), opts
}

// all reads every page of a paged listing.
func all[T any](t *testing.T, list func(context.Context, string) ([]T, string, error)) ([]T, int) {
	t.Helper()
	var out []T
	pages, token := 0, ""
	for {
		items, next, err := list(context.Background(), token)
		if err != nil {
			t.Fatal(err)
		}
		out, pages = append(out, items...), pages+1
		if token = next; token == "" {
			return out, pages
		}
	}
}

func TestEnumeratesEveryAccountPageByPage(t *testing.T) {
	env, r, opts := start(t)
	users, pages := all(t, r.Users)
	if len(users) != opts.Users || pages != 3 {
		t.Errorf("%d users in %d pages, want %d in 3", len(users), pages, opts.Users)
	}
	groups, _ := all(t, r.Groups)
	drives, _ := all(t, r.SharedDrives)
	resources, _ := all(t, r.Resources)
	want := map[export.AccountType]int{}
	ownerless := 0
	for _, a := range env.Server.Accounts() {
		want[a.Type]++
		if a.Ownerless {
			ownerless++
		}
	}
	if len(groups) != want[export.Group] || len(drives)+len(resources) != want[export.Customer] {
		t.Errorf("groups %d, drives %d, resources %d; truth %v", len(groups), len(drives), len(resources), want)
	}
	got := 0
	for _, g := range groups {
		if g.Ownerless {
			got++
		}
		if g.Members == 0 || g.Email == "" {
			t.Errorf("group without member count or email: %+v", g)
		}
	}
	if got != ownerless {
		t.Errorf("%d ownerless groups found, the truth has %d", got, ownerless)
	}
}

func TestEligibilityFacts(t *testing.T) {
	_, r, opts := start(t)
	ctx := context.Background()
	c, err := r.Customer(ctx)
	if err != nil || c.Domain != opts.Domain || c.Created.After(opts.Now.Add(-30*24*time.Hour)) {
		t.Fatalf("customer %+v, %v", c, err)
	}
	admin, err := r.User(ctx, "admin@"+opts.Domain)
	if err != nil || !admin.Admin || !admin.Enrolled2SV || !admin.Enforced2SV || admin.Created.IsZero() {
		t.Fatalf("admin %+v, %v", admin, err)
	}
	if _, err := r.User(ctx, "ghost@"+opts.Domain); !errors.Is(err, directory.ErrNotFound) {
		t.Fatalf("unknown user: %v, want ErrNotFound", err)
	}
	supers, err := r.SuperAdmins(ctx)
	if err != nil || len(supers) < 3 {
		t.Fatalf("%d super admins, %v", len(supers), err)
	}
	for _, s := range supers {
		if !s.Admin {
			t.Errorf("%s listed as super admin", s.Email)
		}
	}
	if n, err := r.CountUsers(ctx, 1000); err != nil || n < 1000 || n >= opts.Users {
		t.Errorf("CountUsers(1000) = %d, %v: want to stop at the first page past 1,000", n, err)
	}
}

func TestAccountsMatchWhatConnectorsAreTestedWith(t *testing.T) {
	env, r, _ := start(t)
	users, _ := all(t, r.Users)
	groups, _ := all(t, r.Groups)
	drives, _ := all(t, r.SharedDrives)
	resources, _ := all(t, r.Resources)
	got := map[string]connector.Account{}
	for _, u := range users {
		got[u.Email] = r.UserAccount(u)
	}
	for _, g := range groups {
		got[g.Email] = r.GroupAccount(g)
	}
	for _, d := range drives {
		got[d.ID] = r.DriveAccount(d)
	}
	for _, res := range resources {
		got[res.Email] = r.ResourceAccount(res)
	}
	want := env.Accounts()
	if len(got) != len(want) {
		t.Fatalf("%d accounts from the directory, %d in the truth", len(got), len(want))
	}
	for _, w := range want {
		if g := got[w.ID]; g != w {
			t.Errorf("account %s: got %+v, want %+v", w.ID, g, w)
		}
	}
}
