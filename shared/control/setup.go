package control

import (
	"context"
	"errors"
	"time"

	"github.com/orgexport/orgexport/shared/auth"
)

// Readiness is what the setup check found of one product, read as the
// admin or as a user: ready, or what is missing and how to fix it.
type Readiness struct {
	Product string
	// As is "admin" or "user": whom the product was tried as.
	As      string
	Ready   bool
	Missing string
	Fix     string
}

// SetupReport is the setup check's answer.
type SetupReport struct {
	CheckedAt time.Time
	Products  []Readiness
}

// SetupChecker tries each Workspace API orgexport reads once, as the
// super administrator admin and as one other user of the organisation.
type SetupChecker interface {
	Check(ctx context.Context, admin string) ([]Readiness, error)
}

// Setup runs the setup check for a super administrator of the caller's
// organisation, before the first export: it changes nothing.
func (s *Service) Setup(ctx context.Context, p auth.Principal) (SetupReport, error) {
	if _, _, err := s.superAdmin(ctx, p); err != nil {
		return SetupReport{}, err
	}
	if s.Checker == nil {
		return SetupReport{}, errors.New("setup check: no checker configured")
	}
	at := s.now().Truncate(time.Second)
	rs, err := s.Checker.Check(ctx, p.Email)
	if err != nil {
		return SetupReport{}, err
	}
	return SetupReport{CheckedAt: at, Products: rs}, nil
}
