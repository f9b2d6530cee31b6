package control

import (
	"context"
	"errors"

	"github.com/orgexport/orgexport/shared/auth"
	"github.com/orgexport/orgexport/shared/export"
)

// Estimator predicts the export of an administrator's organisation from
// its usage reports (shared/estimate); export.ErrNoEstimate when there are none
// yet.
type Estimator interface {
	Estimate(ctx context.Context, admin string) (export.Estimate, error)
}

// Estimate predicts the export of the caller's organisation: its size,
// parts and duration under the configured quotas. Super administrators
// only, like starting one.
func (s *Service) Estimate(ctx context.Context, p auth.Principal) (export.Estimate, error) {
	if _, _, err := s.superAdmin(ctx, p); err != nil {
		return export.Estimate{}, err
	}
	if s.Estimator == nil {
		return export.Estimate{}, errors.New("estimate: no estimator configured")
	}
	return s.Estimator.Estimate(ctx, p.Email)
}

// estimateFor is the estimate recorded with a new export: nil when the
// reports cannot give one (logged; the export does not wait for it).
func (s *Service) estimateFor(ctx context.Context, admin string) *export.Estimate {
	if s.Estimator == nil {
		return nil
	}
	est, err := s.Estimator.Estimate(ctx, admin)
	if err != nil {
		if !errors.Is(err, export.ErrNoEstimate) {
			s.Log.WarnContext(ctx, "no estimate recorded with the export", "error", err)
		}
		return nil
	}
	return &est
}
