package pipeline

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/orgexport/orgexport/shared/export"
)

// Pipeline is the data plane.
type Pipeline struct {
	Store      Store
	Bucket     Bucket
	Archive    Archive
	Directory  Directory
	Tasks      Enqueuer
	Events     Publisher
	Requesters Requesters
	Mail       Outbox
	Connectors []Connector
	Log        *slog.Logger
	Now        func() time.Time

	// PartSize splits an account's zip (R8b).
	PartSize int64
	// Budget is how long one invocation works before it hands over to a
	// continuation task; below the dispatch deadline.
	Budget time.Duration
	// ZipWorkers is how many entries a part writer deflates at once
	// (archive.Options.Workers); 0 or 1 deflates in the worker's goroutine.
	ZipWorkers int
}

func (p *Pipeline) now() time.Time {
	if p.Now != nil {
		return p.Now().UTC()
	}
	return time.Now().UTC()
}

// Begin starts exporting data once the hold has ended: R3c, the cut-off
// (R4), then the accounts of all four types (R6), one page at a time.
func (p *Pipeline) Begin(ctx context.Context, t export.BeginTask) error {
	started := p.now()
	e, err := p.Store.Export(ctx, t.CustomerID, t.ExportID)
	if err != nil {
		return fmt.Errorf("begin %s: %w", t.ExportID, err)
	}
	switch {
	case e.State == export.OnHold && started.Before(e.HoldEnd):
		return fmt.Errorf("%w: it ends %s", export.ErrTooEarly, e.HoldEnd.Format(time.RFC3339))
	case e.State == export.OnHold:
		if e, err = p.endHold(ctx, e, started); err != nil || e == nil {
			return err
		}
		p.noteRunning(ctx, e)
	case e.State != export.Running || e.Enumeration.Done:
		return nil // cancelled, or a duplicate of finished work
	}
	if e.IsRetry() {
		return p.enumerateRetry(ctx, e)
	}
	return p.enumerate(ctx, e, started)
}

// endHold re-checks the requester (R3c) and moves the export to RUNNING
// with its cut-off and deadline. It returns nil when the export was
// cancelled instead.
func (p *Pipeline) endHold(ctx context.Context, e *export.Export, now time.Time) (*export.Export, error) {
	if cancelled, err := p.Requesters.CancelIfRequesterLost(ctx, e); err != nil || cancelled {
		return nil, err
	}
	return p.Store.Update(ctx, e.CustomerID, e.ID, func(e *export.Export) ([]export.AuditEntry, error) {
		if e.State != export.OnHold {
			return nil, nil
		}
		e.State, e.StartedAt, e.Deadline = export.Running, now, export.Deadline(now)
		if !e.IsRetry() { // a retry keeps its original's cut-off, and lists only what it finds (R16)
			e.CutOff, e.Unsupported = export.CutOff(now), p.Unsupported()
		}
		return []export.AuditEntry{{At: now, Actor: "orgexport", Action: export.ActionHoldEnd, ExportID: e.ID,
			Detail: map[string]any{"cutOff": e.CutOff}}}, nil
	})
}

// enumerate lists pages of accounts until done or the budget is spent, then
// hands over to a continuation task.
func (p *Pipeline) enumerate(ctx context.Context, e *export.Export, started time.Time) error {
	for !e.Enumeration.Done {
		if p.now().Sub(started) > p.Budget {
			return p.continueBegin(ctx, e)
		}
		var err error
		if e, err = p.page(ctx, e); err != nil {
			return err
		}
	}
	// Accounts may all have finished before the last page was saved (their
	// events then found the enumeration unfinished), or there may be none:
	// either way only this event lets AssembleReport look again.
	return p.Events.AccountsFinished(ctx, e.CustomerID, e.ID)
}

func (p *Pipeline) continueBegin(ctx context.Context, e *export.Export) error {
	return p.Tasks.Enqueue(ctx, export.BeginContinued(e))
}

// page lists one page, records its accounts, enqueues their tasks and saves
// the cursor. A repeated page records and enqueues nothing twice.
func (p *Pipeline) page(ctx context.Context, e *export.Export) (*export.Export, error) {
	n := e.Enumeration
	kind := Kind(n.Phase)
	listed, next, err := p.Directory.Accounts(ctx, kind, e.Domain, e.RequestedBy, n.Cursor)
	if err != nil {
		return nil, fmt.Errorf("list %s of %s: %w", kind, e.Domain, err)
	}
	accts, skipped := p.accountsOf(e, listed)
	if _, err := p.Store.AddAccounts(ctx, e.CustomerID, e.ID, accts); err != nil {
		return nil, err
	}
	for _, a := range accts {
		if err := p.enqueueAccount(ctx, e, a.Key, 1); err != nil {
			return nil, err
		}
	}
	return p.Store.Update(ctx, e.CustomerID, e.ID, func(x *export.Export) ([]export.AuditEntry, error) {
		if x.Enumeration.Phase != n.Phase || x.Enumeration.Cursor != n.Cursor {
			return nil, nil // another delivery saved this page already
		}
		x.Enumeration.Accounts += len(accts)
		x.Enumeration.Skipped += skipped
		x.Enumeration.Cursor = next
		if next == "" {
			x.Enumeration.Phase++
			x.Enumeration.Done = x.Enumeration.Phase >= int(numKinds)
		}
		return nil, nil
	})
}

// accountsOf turns listed accounts into records, leaving out users created
// after the cut-off (R4).
func (p *Pipeline) accountsOf(e *export.Export, listed []Listed) ([]export.Account, int) {
	out := make([]export.Account, 0, len(listed))
	skipped := 0
	for _, l := range listed {
		if l.Account.Type == export.User && export.Excluded(l.Created, e.CutOff) {
			skipped++
			continue
		}
		a := l.Account
		out = append(out, export.Account{
			Key: export.AccountKey(a.Type, a.ID), Type: a.Type, ID: a.ID, Name: a.Name, Kind: a.Kind, Suspended: a.Suspended,
			Subject: a.Subject, State: export.AccountPending, Resume: export.Resume{NextPart: 1},
			Products: map[string]export.ProductCount{},
		})
	}
	return out, skipped
}

func (p *Pipeline) enqueueAccount(ctx context.Context, e *export.Export, key string, part int) error {
	return p.Tasks.Enqueue(ctx, export.AccountPart(e, key, part, 0))
}
