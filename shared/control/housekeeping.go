package control

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/orgexport/orgexport/shared/export"
)

// StuckAfter is how long an account may go without a heartbeat before it is
// sent again: longer than the 30-minute dispatch deadline.
const StuckAfter = 35 * time.Minute

// beginGrace is how long after its hold ends an export may wait for its
// start task before housekeeping enqueues it again.
const beginGrace = 10 * time.Minute

// HousekeepingReport says what one run did.
type HousekeepingReport struct {
	BeginsEnqueued  int `json:"begins_enqueued"`
	PurgesEnqueued  int `json:"purges_enqueued"`
	DeadlinesPassed int `json:"deadlines_passed"`
	Expired         int `json:"expired"`
	// RetriesStopped are retries still at work when their original
	// expired: cancelled, so their objects are deleted with it (R12).
	RetriesStopped int `json:"retries_stopped"`
	ObjectsDeleted int `json:"objects_deleted"`
	StuckRequeued  int `json:"stuck_requeued"`
	EmailsSent     int `json:"emails_sent"`
	AssemblyNudged int `json:"assembly_nudged"`
}

// Housekeeping does the hourly work. Running it twice in a row changes
// nothing the second time. It goes on past a failing export and returns
// every error joined.
func (s *Service) Housekeeping(ctx context.Context) (HousekeepingReport, error) {
	now := s.now()
	var rep HousekeepingReport
	var errs []error
	errs = append(errs, s.mail(ctx, &rep)...)
	errs = append(errs, s.missingBegins(ctx, now, &rep)...)
	errs = append(errs, s.missingPurges(ctx, now, &rep)...)
	errs = append(errs, s.deadlines(ctx, now, &rep)...)
	errs = append(errs, s.retention(ctx, now, &rep)...)
	errs = append(errs, s.stuck(ctx, now, &rep)...)
	return rep, errors.Join(errs...)
}

// mail sends the emails still queued — hold notices (R3a), cancellations
// (R3c, R3d), completions (R11) — that could not be sent when they were
// queued: a mail server that was down loses none of them.
func (s *Service) mail(ctx context.Context, rep *HousekeepingReport) []error {
	if s.Mail == nil {
		return nil
	}
	pending, err := s.Work.ExportsWithMail(ctx)
	if err != nil {
		return []error{err}
	}
	var errs []error
	for _, e := range pending {
		n := len(e.Unsent())
		if err := s.Mail.Flush(ctx, e); err != nil {
			errs = append(errs, err)
			continue
		}
		rep.EmailsSent += n
	}
	return errs
}

func (s *Service) missingBegins(ctx context.Context, now time.Time, rep *HousekeepingReport) []error {
	due, err := s.Work.ExportsDue(ctx, export.OnHold, "holdEnd", now.Add(-beginGrace))
	if err != nil {
		return []error{err}
	}
	var errs []error
	for _, e := range due {
		if err := s.enqueueBegin(ctx, e); err != nil {
			errs = append(errs, err)
			continue
		}
		rep.BeginsEnqueued++
	}
	return errs
}

// missingPurges enqueues the purge of cancelled exports whose objects are
// not yet known to be deleted: a purge task that could not be created at
// the cancel, or ran out of retries. Its name is the same every time, so
// an existing one is not created twice.
func (s *Service) missingPurges(ctx context.Context, now time.Time, rep *HousekeepingReport) []error {
	due, err := s.Work.ExportsDue(ctx, export.Cancelled, "cancelledAt", now.Add(-beginGrace))
	if err != nil {
		return []error{err}
	}
	var errs []error
	for _, e := range due {
		if !e.DataDeletedAt.IsZero() {
			continue
		}
		if err := s.Tasks.Enqueue(ctx, export.PurgeData(e)); err != nil {
			errs = append(errs, err)
			continue
		}
		rep.PurgesEnqueued++
	}
	return errs
}

// deadlines fails what is unfinished 14 days after the start (R10) and has
// the export assembled.
func (s *Service) deadlines(ctx context.Context, now time.Time, rep *HousekeepingReport) []error {
	due, err := s.Work.ExportsDue(ctx, export.Running, "deadline", now)
	if err != nil {
		return []error{err}
	}
	var errs []error
	for _, e := range due {
		n, err := s.failUnfinished(ctx, e, now)
		if err == nil {
			err = s.Events.AccountsFinished(ctx, e.CustomerID, e.ID)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("deadline of %s: %w", e.ID, err))
			continue
		}
		if n > 0 {
			rep.DeadlinesPassed++
		}
	}
	return errs
}

func (s *Service) failUnfinished(ctx context.Context, e *export.Export, now time.Time) (int, error) {
	n := 0
	for a, err := range s.Work.UnfinishedAccounts(ctx, e.CustomerID, e.ID) {
		if err != nil {
			return n, err
		}
		_, err := s.Work.UpdateAccount(ctx, e.CustomerID, e.ID, a.Key, func(a *export.Account) error {
			if a.State.Final() {
				return nil
			}
			a.State = export.AccountFailed
			a.LastError = "The export reached its 14-day limit before this account was finished (R10)."
			return nil
		})
		if err != nil {
			return n, err
		}
		n++
	}
	if n > 0 {
		err := s.Store.AppendAudit(ctx, e.CustomerID, export.AuditEntry{At: now, Actor: "orgexport",
			Action: export.ActionDeadline, ExportID: e.ID, Detail: map[string]any{"accountsFailed": n}})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// retention expires exports 30 days after completion (R12): the record
// shows EXPIRED, its links are withdrawn and its objects deleted (the
// bucket's lifecycle rule does the same in production, as a backstop).
func (s *Service) retention(ctx context.Context, now time.Time, rep *HousekeepingReport) []error {
	var errs []error
	for _, st := range []export.State{export.Completed, export.CompletedWithErrors} {
		due, err := s.Work.ExportsDue(ctx, st, "expires", now)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, e := range due {
			if err := s.expire(ctx, e, now, rep); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errs
}

func (s *Service) expire(ctx context.Context, e *export.Export, now time.Time, rep *HousekeepingReport) error {
	if err := s.stopRetries(ctx, e, rep); err != nil {
		return fmt.Errorf("expire %s: %w", e.ID, err)
	}
	// The prefix holds the retries' folders (retry-N/) too.
	n, err := s.Archive.DeletePrefix(ctx, e.Prefix)
	rep.ObjectsDeleted += n
	if err != nil {
		return fmt.Errorf("expire %s: %w", e.ID, err)
	}
	_, err = s.Store.Update(ctx, e.CustomerID, e.ID, func(e *export.Export) ([]export.AuditEntry, error) {
		e.State = export.Expired
		return []export.AuditEntry{{At: now, Actor: "orgexport", Action: export.ActionExpire, ExportID: e.ID,
			Detail: map[string]any{"objectsDeleted": n}}}, nil
	})
	if err != nil {
		return fmt.Errorf("expire %s: %w", e.ID, err)
	}
	rep.Expired++
	return nil
}

// stopRetries cancels the retries of e still on hold or running (R16 lets
// one be requested 20 days after e completed, and R10 lets it run 14): a
// retry's objects expire with its original (R12), so none may be written
// after the original's are deleted. The cancel's purge deletes what its
// stopped workers upload; a retry assembling finishes, and, due already,
// expires at the next run. A retry that moved on meanwhile is left be.
func (s *Service) stopRetries(ctx context.Context, e *export.Export, rep *HousekeepingReport) error {
	for _, ref := range e.Retries {
		r, err := s.Store.Export(ctx, e.CustomerID, ref.ID)
		if err != nil {
			return fmt.Errorf("retry %s: %w", ref.ID, err)
		}
		if r.State != export.OnHold && r.State != export.Running {
			continue
		}
		_, err = s.cancel(ctx, r.CustomerID, r.ID, "orgexport",
			"The export it retries expired: a retry's data is deleted with the original's, 30 days after it completed.", "")
		var se *StateError
		if errors.As(err, &se) {
			continue
		}
		if err != nil {
			return fmt.Errorf("stop retry %s: %w", r.ID, err)
		}
		rep.RetriesStopped++
	}
	return nil
}

// stuck sends accounts again whose worker stopped beating.
func (s *Service) stuck(ctx context.Context, now time.Time, rep *HousekeepingReport) []error {
	running, err := s.Work.ExportsDue(ctx, export.Running, "deadline", now.Add(export.MaxDuration))
	if err != nil {
		return []error{err}
	}
	var errs []error
	for _, e := range running {
		if err := s.nudge(ctx, e, rep); err != nil {
			errs = append(errs, err)
		}
		for a, err := range s.Work.StuckAccounts(ctx, e.CustomerID, e.ID, now.Add(-StuckAfter)) {
			if err != nil {
				errs = append(errs, err)
				break
			}
			if err := s.requeue(ctx, e, a, now); err != nil {
				errs = append(errs, err)
				continue
			}
			rep.StuckRequeued++
		}
	}
	return errs
}

// nudge asks AssembleReport to look at a running export whose accounts are
// all final, in case its last event was lost (dead-lettered).
func (s *Service) nudge(ctx context.Context, e *export.Export, rep *HousekeepingReport) error {
	if !e.Enumeration.Done {
		return nil
	}
	sums, err := s.Store.SumAccounts(ctx, e.CustomerID, e.ID)
	if err != nil || sums.Final < sums.Accounts {
		return err
	}
	if err := s.Events.AccountsFinished(ctx, e.CustomerID, e.ID); err != nil {
		return fmt.Errorf("nudge assembly of %s: %w", e.ID, err)
	}
	rep.AssemblyNudged++
	return nil
}

func (s *Service) requeue(ctx context.Context, e *export.Export, a *export.Account, now time.Time) error {
	a, err := s.Work.UpdateAccount(ctx, e.CustomerID, e.ID, a.Key, func(a *export.Account) error {
		a.Attempts++
		a.Heartbeat = now // not stuck again until StuckAfter has passed
		return nil
	})
	if err != nil {
		return err
	}
	return s.Tasks.Enqueue(ctx, export.AccountPart(e, a.Key, max(a.Resume.NextPart, 1), a.Attempts))
}
