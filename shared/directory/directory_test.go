package directory_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/config"
	"github.com/orgexport/orgexport/shared/control"
	"github.com/orgexport/orgexport/shared/delegation"
	"github.com/orgexport/orgexport/shared/directory"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/pipeline"
)

func open(t *testing.T, opts synth.Options) (*directory.Directory, *synth.Org) {
	t.Helper()
	org, err := synth.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	s, err := workspace.Start(workspace.Config{Org: org}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	f, err := delegation.New(context.Background(), config.Workspace{Endpoint: s.URL(), DelegationServiceAccount: s.DelegationAccount()}, delegation.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return directory.New(f), org
}

func TestLookupSaysWhatR1Needs(t *testing.T) {
	d, org := open(t, synth.Tiny(71))
	ctx := context.Background()
	admin := org.Users()[0]
	o, req, err := d.Lookup(ctx, admin.Email)
	if err != nil {
		t.Fatal(err)
	}
	if o.CustomerID != org.Customer().ID || o.Domain != org.Customer().Domain || !o.Created.Equal(org.Customer().Created) {
		t.Errorf("organisation %+v, want %+v", o, org.Customer())
	}
	if !req.IsSuperAdmin || req.Enrolled2SV != admin.Enrolled2SV || req.Enforced2SV != admin.Enforce2SV || !req.Created.Equal(admin.Created) {
		t.Errorf("requester %+v, want the Directory's record of %s", req, admin.Email)
	}
	// A user who is no administrator may not read the Directory: the
	// answer is "not a super administrator", not an error.
	var plain synth.User
	for _, u := range org.Users() {
		if !u.Admin && !u.DelegatedAdmin && !u.Suspended {
			plain = u
			break
		}
	}
	if _, _, err := d.Lookup(ctx, plain.Email); !errors.Is(err, control.ErrNotSuperAdmin) {
		t.Errorf("lookup of %s (no admin): %v, want ErrNotSuperAdmin", plain.Email, err)
	}
	if _, _, err := d.Lookup(ctx, "nobody@"+org.Customer().Domain); !errors.Is(err, control.ErrNotSuperAdmin) {
		t.Errorf("lookup of an unknown user: %v, want ErrNotSuperAdmin", err)
	}
}

func TestSuperAdminsAndUserCount(t *testing.T) {
	d, org := open(t, synth.Tiny(72))
	ctx := context.Background()
	admin := org.Users()[0].Email
	var want []string
	for _, u := range org.Users() {
		if u.Admin && !u.Suspended {
			want = append(want, strings.ToLower(u.Email))
		}
	}
	got, err := d.SuperAdmins(ctx, control.Org{}, admin)
	if err != nil || !slices.Equal(sorted(got), sorted(want)) {
		t.Errorf("super admins %v (%v), want %v", got, err, want)
	}
	if n, err := d.CountUsers(ctx, admin); err != nil || n != len(org.Users()) {
		t.Errorf("counted %d users (%v), want %d", n, err, len(org.Users()))
	}
}

// Every kind of account is listed, page by page, with the id its
// connector needs and the admin as the subject of customer-owned data.
func TestAccountsOfEveryKind(t *testing.T) {
	opts := synth.Tiny(73)
	d, org := open(t, opts)
	ctx := context.Background()
	admin := org.Users()[0].Email
	count := map[pipeline.Kind]int{}
	for k := pipeline.Users; k <= pipeline.Vault; k++ {
		cursor := ""
		for {
			page, next, err := d.Accounts(ctx, k, org.Customer().Domain, admin, cursor)
			if err != nil {
				t.Fatalf("%s: %v", k, err)
			}
			for _, l := range page {
				a := l.Account
				if a.ID == "" || (a.Type != export.User && a.Subject != admin) {
					t.Errorf("%s: listed %+v", k, a)
				}
			}
			count[k] += len(page)
			if cursor = next; cursor == "" {
				break
			}
		}
	}
	want := map[pipeline.Kind]int{pipeline.Users: len(org.Users()), pipeline.Groups: opts.Groups,
		pipeline.SharedDrives: opts.SharedDrives, pipeline.CalendarResources: opts.Resources,
		pipeline.ChatSpaces: org.SpaceCount(), pipeline.Vault: 1}
	for k, n := range want {
		if count[k] != n {
			t.Errorf("%s: %d listed, want %d", k, count[k], n)
		}
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
