package delegation_test

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

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
