package control

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/orgexport/orgexport/shared/auth"
	"github.com/orgexport/orgexport/shared/export"
)

// auditDown is a store whose audit log cannot be written.
type auditDown struct{ Store }

var errAuditDown = errors.New("audit log unavailable")

func (auditDown) Organisation(_ context.Context, cid string) (export.Organisation, error) {
	return export.Organisation{ID: cid}, nil
}

func (auditDown) AppendAudit(context.Context, string, ...export.AuditEntry) error {
	return errAuditDown
}

// youngAdmin is a super administrator whose account is too young (R1c).
type youngAdmin struct{ directoryOfOne }

func (*youngAdmin) Lookup(_ context.Context, email string) (Org, export.Requester, error) {
	now := time.Now()
	return Org{CustomerID: "C1", Domain: "example.com", Created: now.Add(-400 * 24 * time.Hour)},
		export.Requester{Email: email, IsSuperAdmin: true, Enrolled2SV: true, Enforced2SV: true, Created: now.Add(-time.Hour)}, nil
}

// The clear refusal and its audit record appear together, or neither: when
// the refusal cannot be recorded, the caller gets an error that says nothing
// of the refusal, and may try again.
func TestRefusalWithoutItsAuditRecordIsNotGiven(t *testing.T) {
	s := &Service{Store: auditDown{}, Directory: &youngAdmin{}}
	_, err := s.Start(context.Background(), auth.Principal{Email: "admin@example.com", HostedDomain: "example.com"}, StartRequest{})
	var refused *RefusedError
	if errors.As(err, &refused) {
		t.Fatalf("the refusal was given without its audit record: %v", err)
	}
	if !errors.Is(err, errAuditDown) {
		t.Fatalf("Start: %v, want the audit failure", err)
	}
}
