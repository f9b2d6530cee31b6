package control

import (
	"context"
	"errors"
	"testing"

	"github.com/orgexport/orgexport/shared/auth"
	"github.com/orgexport/orgexport/shared/export"
)

// directoryOfOne knows one super administrator and counts the lookups.
type directoryOfOne struct{ lookups int }

func (d *directoryOfOne) Lookup(_ context.Context, email string) (Org, export.Requester, error) {
	d.lookups++
	if email != "admin@example.com" {
		return Org{}, export.Requester{}, ErrUnknownUser
	}
	return Org{CustomerID: "C1", Domain: "example.com"}, export.Requester{Email: email, IsSuperAdmin: true}, nil
}

func (d *directoryOfOne) CountUsers(context.Context, string) (int, error) { return 1, nil }

func (d *directoryOfOne) SuperAdmins(context.Context, Org, string) ([]string, error) {
	return []string{"admin@example.com"}, nil
}

// storeOfOne holds one export of customer C1.
type storeOfOne struct{ Store }

func (storeOfOne) Export(_ context.Context, cid, eid string) (*export.Export, error) {
	if cid != "C1" || eid != "E1" {
		return nil, export.ErrNotFound
	}
	return &export.Export{ID: "E1", CustomerID: "C1"}, nil
}

// TestTokenWithoutHostedDomainIsNoWorkspaceUser: a consumer Google account
// can hold a verified address of a Workspace domain; without the "hd" claim
// it is not the Workspace user of that address, and the Directory is not
// even asked.
func TestTokenWithoutHostedDomainIsNoWorkspaceUser(t *testing.T) {
	dir := &directoryOfOne{}
	s := &Service{Store: storeOfOne{}, Directory: dir}
	ctx := context.Background()
	if _, err := s.Get(ctx, auth.Principal{Email: "admin@example.com", HostedDomain: "example.com"}, "E1"); err != nil {
		t.Fatalf("the super administrator's own token: %v", err)
	}
	dir.lookups = 0
	for name, p := range map[string]auth.Principal{
		"no hd":      {Email: "admin@example.com"},
		"foreign hd": {Email: "admin@example.com", HostedDomain: "other.example"},
	} {
		if _, err := s.Get(ctx, p, "E1"); !errors.Is(err, ErrUnknownUser) {
			t.Errorf("%s: Get: %v, want ErrUnknownUser", name, err)
		}
		if _, err := s.Start(ctx, p, StartRequest{}); !errors.Is(err, ErrUnknownUser) {
			t.Errorf("%s: Start: %v, want ErrUnknownUser", name, err)
		}
	}
	if dir.lookups > 2 {
		t.Errorf("the Directory was asked %d times for tokens without hd", dir.lookups)
	}
}

func TestSupportNeedsHostedDomain(t *testing.T) {
	s := &Support{Staff: []string{"support@operator.example"}}
	if err := s.check(auth.Principal{Email: "support@operator.example", HostedDomain: "operator.example"}); err != nil {
		t.Fatalf("staff with hd: %v", err)
	}
	if err := s.check(auth.Principal{Email: "support@operator.example"}); !errors.Is(err, ErrNotSupport) {
		t.Errorf("staff address without hd: %v, want ErrNotSupport", err)
	}
}
