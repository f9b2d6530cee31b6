package directory_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/config"
	"github.com/orgexport/orgexport/shared/connector/connectortest"
	"github.com/orgexport/orgexport/shared/control"
	"github.com/orgexport/orgexport/shared/delegation"
	"github.com/orgexport/orgexport/shared/directory"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/pipeline"
)

func open(t *testing.T, opts synth.Options) (*directory.Directory, *synth.Org) {
	return openVia(t, opts, nil)
}

// openVia reads the emulator through transport (http.DefaultTransport when nil).
func openVia(t *testing.T, opts synth.Options, transport http.RoundTripper) (*directory.Directory, *synth.Org) {
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
	f, err := delegation.New(context.Background(), config.Workspace{Endpoint: s.URL(), DelegationServiceAccount: s.DelegationAccount()},
		delegation.Options{Transport: connectortest.Strict(t, transport)})
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
	if _, _, err := d.Lookup(ctx, "nobody@"+org.Customer().Domain); !errors.Is(err, control.ErrUnknownUser) {
		t.Errorf("lookup of an unknown user: %v, want ErrUnknownUser", err)
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
				if u, ok := org.UserByEmail(a.ID); k == pipeline.Users && (!ok || a.Suspended != u.Suspended) {
					t.Errorf("user %s listed suspended=%v, the Directory says %v", a.ID, a.Suspended, u.Suspended)
				}
				if a.Suspended {
					count[-1]++
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
	if count[-1] == 0 {
		t.Error("no suspended user listed as suspended")
	}
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

// answer replaces the emulator's answers to requests whose path ends in
// suffix with status and body.
type answer struct {
	suffix string
	status int
	body   string
}

func (a answer) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, a.suffix) {
		return &http.Response{StatusCode: a.status, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(a.body)), Request: r}, nil
	}
	return http.DefaultTransport.RoundTrip(r)
}

// R3c cancels an export only on the Directory's answer that the requester
// is no longer a super administrator or no longer exists. Quota, a
// delegation without the scope, an API not enabled and server errors are
// errors to retry, never that answer.
func TestOnlyTheDirectorysAnswerSaysTheRoleIsLost(t *testing.T) {
	opts := synth.Tiny(74)
	org, err := synth.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	admin := org.Users()[0].Email
	usersGet := "/users/" + admin
	apiErr := func(code int, reason, msg string) string {
		return fmt.Sprintf(`{"error":{"code":%d,"message":%q,"errors":[{"reason":%q,"message":%q}]}}`, code, msg, reason, msg)
	}
	for _, c := range []struct {
		name string
		a    answer
		want error // nil: an error that is no answer about the person
	}{
		{"not authorised", answer{usersGet, 403, apiErr(403, "forbidden", "Not Authorized to access this resource/api")}, control.ErrNotSuperAdmin},
		{"deleted account", answer{"/token", 400, `{"error":"invalid_grant","error_description":"Invalid email or User ID"}`}, control.ErrUnknownUser},
		{"user rate limit", answer{usersGet, 403, apiErr(403, "userRateLimitExceeded", "User Rate Limit Exceeded")}, nil},
		{"quota", answer{usersGet, 403, apiErr(403, "quotaExceeded", "Quota exceeded")}, nil},
		{"API not enabled", answer{usersGet, 403, apiErr(403, "accessNotConfigured", "Admin SDK API has not been used in project 1")}, nil},
		{"scope not delegated", answer{"/token", 401, `{"error":"unauthorized_client","error_description":"Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested."}`}, nil},
		{"server error", answer{usersGet, 503, apiErr(503, "backendError", "Backend Error")}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, _ := openVia(t, opts, c.a)
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			defer cancel()
			_, _, err := d.Lookup(ctx, admin)
			switch {
			case err == nil:
				t.Fatal("no error")
			case c.want != nil && !errors.Is(err, c.want):
				t.Errorf("%v, want %v", err, c.want)
			case c.want == nil && (errors.Is(err, control.ErrNotSuperAdmin) || errors.Is(err, control.ErrUnknownUser)):
				t.Errorf("%v reads as an answer about the person; it is an error to retry", err)
			}
		})
	}
}

// A delegation without a Directory scope is no answer about the person
// either: Lookup says what is missing and how to add it, so the start is
// refused with the fix instead of "not a super administrator".
func TestAMissingDirectoryScopeSaysTheFix(t *testing.T) {
	org, err := synth.New(synth.Tiny(75))
	if err != nil {
		t.Fatal(err)
	}
	users := "https://www.googleapis.com/auth/admin.directory.user.readonly"
	s, err := workspace.Start(workspace.Config{Org: org, Faults: workspace.Faults{MissingScopes: []string{users}}}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	f, err := delegation.New(context.Background(), config.Workspace{Endpoint: s.URL(), DelegationServiceAccount: s.DelegationAccount(),
		DelegationClientID: s.DelegationClientID()}, delegation.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = directory.New(f).Lookup(context.Background(), org.Users()[0].Email)
	var se *control.SetupError
	want := "domain-wide delegation lacks scope " + users + " for client id " + s.DelegationClientID() +
		" — add it in Admin console → Security → API controls"
	if !errors.As(err, &se) || se.Reason != want || errors.Is(err, control.ErrNotSuperAdmin) {
		t.Fatalf("err = %v, want a SetupError %q", err, want)
	}
}
