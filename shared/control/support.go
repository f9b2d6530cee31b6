package control

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/orgexport/orgexport/shared/auth"
	"github.com/orgexport/orgexport/shared/export"
)

// MaxOverride is the longest a support override of the 1,000-user limit may
// last (R14b: temporarily).
const MaxOverride = 30 * 24 * time.Hour

// Support carries out support staff's actions (R14). Staff are operator
// accounts, not customers; they can change an organisation's limits but
// never read its exports or archives.
type Support struct {
	Store interface {
		UpdateOrganisation(ctx context.Context, cid string, fn func(o *export.Organisation) ([]export.AuditEntry, error)) (export.Organisation, error)
	}
	Staff []string
	Now   func() time.Time
}

// check requires a staff account of a Workspace organisation: without the
// hd claim the token may be a consumer account that merely holds the
// address (see Service.lookup).
func (s *Support) check(p auth.Principal) error {
	if p.HostedDomain == "" || !slices.Contains(s.Staff, strings.ToLower(p.Email)) {
		return ErrNotSupport
	}
	return nil
}

func (s *Support) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// ResetCooldown lets the organisation start a full export at once (R14a).
func (s *Support) ResetCooldown(ctx context.Context, p auth.Principal, cid, ticket string) (export.Organisation, error) {
	if err := s.check(p); err != nil {
		return export.Organisation{}, err
	}
	now := s.now()
	return s.Store.UpdateOrganisation(ctx, cid, func(o *export.Organisation) ([]export.AuditEntry, error) {
		was := o.CooldownEnd
		o.CooldownEnd = time.Time{}
		return []export.AuditEntry{{At: now, Actor: p.Email, Action: export.ActionReset,
			Detail: map[string]any{"cooldownWas": was, "ticket": ticket}}}, nil
	})
}

// GrantOverride enables the tool for an organisation of 1,000 users or more
// until until (R14b).
func (s *Support) GrantOverride(ctx context.Context, p auth.Principal, cid string, until time.Time, ticket string) (export.Organisation, error) {
	if err := s.check(p); err != nil {
		return export.Organisation{}, err
	}
	now := s.now()
	if !until.After(now) || until.Sub(now) > MaxOverride {
		return export.Organisation{}, fmt.Errorf("%w: the override must end in the future and within %d days", ErrInvalid, int(MaxOverride.Hours()/24))
	}
	return s.Store.UpdateOrganisation(ctx, cid, func(o *export.Organisation) ([]export.AuditEntry, error) {
		o.OverrideUntil, o.OverrideBy = until, p.Email
		return []export.AuditEntry{{At: now, Actor: p.Email, Action: export.ActionOverride,
			Detail: map[string]any{"until": until, "ticket": ticket}}}, nil
	})
}
