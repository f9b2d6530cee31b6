package notify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/orgexport/orgexport/shared/export"
)

// Outbox sends the emails an export has queued (export.Mail) and records
// each one the mail server accepted, in the export's record. Every email
// is sent at least once — a send that fails stays queued for Housekeeping
// — and exactly once unless a process dies between the server's
// acceptance and the record of it; every attempt carries the same
// Message-ID.
type Outbox struct {
	Mailer interface {
		Deliver(ctx context.Context, e *export.Export, m export.Mail) error
	}
	Store interface {
		Update(ctx context.Context, cid, eid string, fn func(e *export.Export) ([]export.AuditEntry, error)) (*export.Export, error)
	}
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Flush sends e's unsent emails, tries them all, and returns their errors
// joined.
func (o *Outbox) Flush(ctx context.Context, e *export.Export) error {
	var errs []error
	for _, m := range e.Unsent() {
		claimed := false
		_, err := o.Store.Update(ctx, e.CustomerID, e.ID, func(x *export.Export) ([]export.AuditEntry, error) {
			claimed = x.ClaimMail(m.Kind, o.now())
			return nil, nil
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("claim the %s email of %s: %w", m.Kind, e.ID, err))
			continue
		}
		if !claimed {
			continue // sent meanwhile, or another delivery is sending it
		}
		sendErr := o.Mailer.Deliver(ctx, e, m)
		now := o.now()
		_, err = o.Store.Update(context.WithoutCancel(ctx), e.CustomerID, e.ID, func(x *export.Export) ([]export.AuditEntry, error) {
			if sendErr != nil {
				x.MarkFailed(m.Kind, sendErr.Error())
			} else {
				x.MarkSent(m.Kind, now)
			}
			return nil, nil
		})
		if sendErr != nil {
			errs = append(errs, fmt.Errorf("%s email of %s stays queued: %w", m.Kind, e.ID, sendErr))
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("record the %s email of %s: %w", m.Kind, e.ID, err))
		}
	}
	return errors.Join(errs...)
}

func (o *Outbox) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}
