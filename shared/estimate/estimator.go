package estimate

import (
	"context"
	"errors"
	"time"

	reports "google.golang.org/api/admin/reports/v1"

	"github.com/orgexport/orgexport/shared/control"
	"github.com/orgexport/orgexport/shared/delegation"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/quota"
)

// Clients makes Reports API clients that act as an administrator.
type Clients interface {
	Reports(ctx context.Context, subject string) (*reports.Service, error)
}

// Estimator estimates an organisation's export as its administrator.
type Estimator struct {
	Clients Clients
	// Quotas is the table the duration is reckoned under (nil:
	// quota.Default); PartSize the zips' split size (0: 2 GiB).
	Quotas   *quota.Table
	PartSize int64
	// Now is the clock (nil: time.Now).
	Now func() time.Time
}

// Estimate reads the latest usage reports as admin and reckons the export.
func (e *Estimator) Estimate(ctx context.Context, admin string) (export.Estimate, error) {
	svc, err := e.Clients.Reports(ctx, admin)
	if err != nil {
		return export.Estimate{}, err
	}
	now := time.Now()
	if e.Now != nil {
		now = e.Now()
	}
	u, err := Read(ctx, svc, now)
	var se *delegation.ScopeError
	if errors.As(err, &se) {
		return export.Estimate{}, &control.SetupError{Reason: "the estimate reads the usage reports, and " + se.Error()}
	}
	if err != nil {
		return export.Estimate{}, err
	}
	t := quota.Default
	if e.Quotas != nil {
		t = *e.Quotas
	}
	return Make(u, t, e.PartSize), nil
}

var _ control.Estimator = (*Estimator)(nil)
