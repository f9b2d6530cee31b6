package delegation_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"google.golang.org/api/option"

	emulator "github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/config"
	"github.com/orgexport/orgexport/shared/delegation"
	"github.com/orgexport/orgexport/shared/pacer"
)

// countingTransport counts token exchanges.
type countingTransport struct{ tokens atomic.Int32 }

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/token") {
		c.tokens.Add(1)
	}
	return http.DefaultTransport.RoundTrip(r)
}

func startEmulator(t *testing.T) *emulator.Server {
	t.Helper()
	org, err := synth.New(synth.Tiny(1))
	if err != nil {
		t.Fatal(err)
	}
	s, err := emulator.Start(emulator.Config{Org: org}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestFactoryActsAsEachUserThroughDelegation(t *testing.T) {
	ctx := context.Background()
	s := startEmulator(t)
	ct := &countingTransport{}
	f, err := delegation.New(ctx, config.Workspace{Endpoint: s.URL(), DelegationServiceAccount: s.DelegationAccount()},
		delegation.Options{Transport: ct})
	if err != nil {
		t.Fatal(err)
	}
	dir, err := f.Directory(ctx, "admin@example.com")
	if err != nil {
		t.Fatal(err)
	}
	users, err := dir.Users.List().Customer("my_customer").Do()
	if err != nil || len(users.Users) != 6 {
		t.Fatalf("users.list as the admin: %v, %d users", err, len(users.Users))
	}
	if _, err := dir.Customers.Get("my_customer").Do(); err != nil {
		t.Fatalf("second call: %v", err)
	}
	if n := ct.tokens.Load(); n != 1 {
		t.Fatalf("%d token exchanges for one subject, want 1 (cached)", n)
	}
	var bob string
	for _, u := range users.Users {
		if !u.IsAdmin && !u.IsDelegatedAdmin && !u.Suspended {
			bob = u.PrimaryEmail
		}
	}
	gm, _ := f.Gmail(ctx, bob)
	prof, err := gm.Users.GetProfile("me").Do()
	if err == nil && prof.EmailAddress != bob {
		t.Fatalf("Gmail acted as %s, want %s", prof.EmailAddress, bob)
	}
	msgs, err := gm.Users.Messages.List("me").Do()
	if err != nil || len(msgs.Messages) == 0 {
		t.Fatalf("messages.list as %s: %v", bob, err)
	}
	// Bob is no administrator: the Directory refuses him.
	bdir, _ := f.Directory(ctx, bob)
	if _, err := bdir.Users.List().Customer("my_customer").Do(); err == nil {
		t.Fatal("a non-admin subject could list users")
	}
}

func TestUndelegatedAccountIsRefused(t *testing.T) {
	ctx := context.Background()
	s := startEmulator(t)
	f, _ := delegation.New(ctx, config.Workspace{Endpoint: s.URL(), DelegationServiceAccount: "stranger@other.iam.gserviceaccount.com"},
		delegation.Options{})
	dir, _ := f.Directory(ctx, "admin@example.com")
	if _, err := dir.Users.List().Customer("my_customer").Do(); err == nil || !strings.Contains(err.Error(), "signJwt") {
		t.Fatalf("err = %v, want IAM Credentials to refuse signing", err)
	}
}

func TestUnknownSubjectIsRefused(t *testing.T) {
	ctx := context.Background()
	s := startEmulator(t)
	f, _ := delegation.New(ctx, config.Workspace{Endpoint: s.URL(), DelegationServiceAccount: s.DelegationAccount()},
		delegation.Options{})
	gm, _ := f.Gmail(ctx, "nobody@example.com")
	_, err := gm.Users.Messages.List("me").Do()
	if err == nil || !strings.Contains(err.Error(), "invalid_grant") || pacer.ClassOf(err) != pacer.Fatal {
		t.Fatalf("err = %v (%v), want the token endpoint's invalid_grant, fatal", err, pacer.ClassOf(err))
	}
}

// recordingSigner signs with the emulator's IAM Credentials and keeps the
// scope claim of every assertion.
type recordingSigner struct {
	delegation.Signer
	mu     sync.Mutex
	scopes []string
}

func (r *recordingSigner) SignJWT(ctx context.Context, claims string) (string, error) {
	var c struct {
		Scope string `json:"scope"`
	}
	_ = json.Unmarshal([]byte(claims), &c)
	r.mu.Lock()
	r.scopes = append(r.scopes, c.Scope)
	r.mu.Unlock()
	return r.Signer.SignJWT(ctx, claims)
}

func newFactory(t *testing.T, s *emulator.Server, ct http.RoundTripper) (*delegation.Factory, *recordingSigner) {
	t.Helper()
	ctx := context.Background()
	iam, err := delegation.NewIAMSigner(ctx, s.DelegationAccount(), option.WithEndpoint(s.URL()+"/"), option.WithoutAuthentication())
	if err != nil {
		t.Fatal(err)
	}
	rs := &recordingSigner{Signer: iam}
	f, err := delegation.New(ctx, config.Workspace{Endpoint: s.URL(), DelegationServiceAccount: s.DelegationAccount(),
		DelegationClientID: "100000000000000000001"}, delegation.Options{Signer: rs, Transport: ct})
	if err != nil {
		t.Fatal(err)
	}
	return f, rs
}

// While the delegation grants every scope, a subject's clients of every
// API share one token for all of them: one assertion signed (one IAM
// Credentials signJwt call) per subject, not one per API.
func TestOneTokenForEveryAPIWhileEveryScopeIsGranted(t *testing.T) {
	ctx := context.Background()
	s := startEmulator(t)
	f, rs := newFactory(t, s, nil)
	dir, _ := f.Directory(ctx, "admin@example.com")
	if _, err := dir.Users.Get("admin@example.com").Do(); err != nil {
		t.Fatal(err)
	}
	gm, _ := f.Gmail(ctx, "admin@example.com")
	if _, err := gm.Users.Labels.List("me").Do(); err != nil {
		t.Fatal(err)
	}
	if _, err := dir.Customers.Get("my_customer").Do(); err != nil {
		t.Fatal(err)
	}
	want := []string{strings.Join(delegation.Scopes, " ")}
	if !slices.Equal(rs.scopes, want) {
		t.Fatalf("assertions asked for\n%q\nwant one for every scope, cached per subject:\n%q", rs.scopes, want)
	}
}

// When the delegation lacks a scope, Google refuses the whole set; each
// API then asks for its own scopes only, so the APIs whose scopes are
// granted go on working.
func TestEachAPIAsksForItsOwnScopesWhenTheWholeSetIsRefused(t *testing.T) {
	ctx := context.Background()
	s := startEmulator(t)
	if err := s.SetFaults(emulator.Faults{MissingScopes: []string{"https://www.googleapis.com/auth/keep.readonly"}}); err != nil {
		t.Fatal(err)
	}
	f, rs := newFactory(t, s, nil)
	dir, _ := f.Directory(ctx, "admin@example.com")
	if _, err := dir.Users.Get("admin@example.com").Do(); err != nil {
		t.Fatal(err)
	}
	gm, _ := f.Gmail(ctx, "admin@example.com")
	if _, err := gm.Users.Labels.List("me").Do(); err != nil {
		t.Fatal(err)
	}
	want := []string{strings.Join(delegation.Scopes, " "), strings.Join(delegation.ScopesFor(delegation.APIDirectory), " "),
		delegation.ScopesFor(delegation.APIGmail)[0]}
	if !slices.Equal(rs.scopes, want) {
		t.Fatalf("assertions asked for\n%q\nwant the whole set once, then one per API:\n%q", rs.scopes, want)
	}
}

// The scopes each API's token asks for are the ones the API accepts (the
// emulator refuses a token without them), and together they are Scopes.
func TestEveryAPIsScopesAreTheAPIs(t *testing.T) {
	var all []string
	for _, api := range delegation.APIs {
		if got, want := delegation.ScopesFor(api), emulator.APIScopes(api); !slices.Equal(got, want) {
			t.Errorf("%s: asks for %q, the API accepts %q", api, got, want)
		}
		all = append(all, delegation.ScopesFor(api)...)
	}
	if !slices.Equal(all, delegation.Scopes) {
		t.Errorf("Scopes = %q, want every API's: %q", delegation.Scopes, all)
	}
}

func TestAMissingScopeFailsOnlyTheAPIThatNeedsIt(t *testing.T) {
	ctx := context.Background()
	s := startEmulator(t)
	roles := "https://www.googleapis.com/auth/admin.directory.rolemanagement.readonly"
	if err := s.SetFaults(emulator.Faults{MissingScopes: []string{roles}}); err != nil {
		t.Fatal(err)
	}
	ct := &countingTransport{}
	f, _ := newFactory(t, s, ct)
	dir, _ := f.Directory(ctx, "admin@example.com")
	_, err := dir.Users.Get("admin@example.com").Do()
	var se *delegation.ScopeError
	if !errors.As(err, &se) || !errors.Is(err, delegation.ErrScopeNotAuthorised) || pacer.ClassOf(err) != pacer.Fatal {
		t.Fatalf("err = %v (%v), want a fatal ScopeError", err, pacer.ClassOf(err))
	}
	want := "domain-wide delegation lacks scope " + roles + " for client id 100000000000000000001 — add it in Admin console → Security → API controls"
	if se.Error() != want || se.API != delegation.APIDirectory || !slices.Equal(se.Missing, []string{roles}) {
		t.Fatalf("ScopeError %+v: %q, want %q", se, se.Error(), want)
	}
	gm, _ := f.Gmail(ctx, "admin@example.com")
	if _, err := gm.Users.Labels.List("me").Do(); err != nil {
		t.Fatalf("Gmail, whose scope is authorised: %v", err)
	}
	// The entry is the organisation's: another user's Directory token is
	// refused at once, without asking Google again.
	before := ct.tokens.Load()
	other, _ := f.Directory(ctx, s.Org().Users()[1].Email)
	if _, err := other.Users.Get("admin@example.com").Do(); !errors.As(err, &se) || se.Subject != s.Org().Users()[1].Email {
		t.Fatalf("err = %v, want the ScopeError for the other subject", err)
	}
	if n := ct.tokens.Load() - before; n != 0 {
		t.Fatalf("%d token requests for a scope set refused a moment ago, want 0", n)
	}
}
