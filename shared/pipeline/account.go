package pipeline

import (
	"cmp"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/orgexport/orgexport/shared/archive"
	"github.com/orgexport/orgexport/shared/blob"
	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/zipname"
)

// Account writes one part of an account's archive, and hands over to a
// continuation task or finishes the account.
//
// The check of the task against the records and the claim of the part are
// one transaction (export.Account.Claim): a duplicate delivery, concurrent
// or late, finds the part written or claimed and changes nothing; a worker
// that lost its lease writes nothing more.
func (p *Pipeline) Account(ctx context.Context, t export.AccountTask) error {
	start := p.now()
	var claim export.Claim
	e, a, err := p.Store.ClaimAccount(ctx, t.CustomerID, t.ExportID, t.AccountKey, func(e *export.Export, a *export.Account) (bool, error) {
		var err error
		claim, err = a.Claim(e, t.Part, start)
		return claim == export.ClaimWork, err
	})
	if err != nil {
		return fmt.Errorf("account %s of %s, part %d: %w", t.AccountKey, t.ExportID, t.Part, err)
	}
	switch claim {
	case export.ClaimCancelled:
		return p.cancelAccount(ctx, e, a)
	case export.ClaimNothing:
		return nil
	case export.ClaimFinished:
		// A redelivery, or a task of an account Housekeeping failed at the
		// 14-day limit: discard what its connectors made, and say it is
		// finished again, harmlessly.
		if err := p.discard(ctx, e, a); err != nil {
			return err
		}
		return p.Events.AccountFinished(ctx, e.CustomerID, e.ID, a.Key)
	case export.ClaimWritten:
		// This part is done; make sure its continuation exists.
		return p.enqueueAccount(ctx, e, a.Key, a.Resume.NextPart)
	}
	return p.work(ctx, e, a, start)
}

// work writes the claimed part under the lease a.Attempts and records it.
// A worker that loses its lease stops at once and writes nothing more;
// one that fails gives the lease back, so the task's retry may claim it.
func (p *Pipeline) work(ctx context.Context, e *export.Export, a *export.Account, start time.Time) error {
	l := p.lease(ctx, e, a, start)
	defer l.stop()
	sum, next, err := p.writePart(l.ctx, e, a, l, start)
	lost := l.lost()
	l.stop() // written or abandoned: no renewal may race the record of the part
	if err == nil && !lost {
		err = p.finishPart(ctx, e, a, l.token, sum, next)
	}
	// A precondition that failed means another worker wrote the object:
	// it took the part over, as a lost lease says.
	if lost || errors.Is(err, export.ErrLeaseLost) || errors.Is(err, blob.ErrPrecondition) {
		p.Log.WarnContext(ctx, "part taken over by another worker; this one stops", "export", e.ID, "account", a.Key,
			"part", a.Resume.NextPart, "token", l.token)
		return nil
	}
	if err != nil {
		l.release()
	}
	return err
}

func (p *Pipeline) cancelAccount(ctx context.Context, e *export.Export, a *export.Account) error {
	if a.State.Final() {
		return nil
	}
	if err := p.discard(ctx, e, a); err != nil {
		return err
	}
	_, err := p.Store.UpdateAccount(ctx, e.CustomerID, e.ID, a.Key, func(a *export.Account) error {
		if !a.State.Final() {
			a.State = export.AccountCancelled
		}
		return nil
	})
	return err
}

// discard removes what the account's connectors made in the organisation
// (a Vault matter) when the account will not finish. An error is returned,
// so the task is retried, rather than copies of data left behind.
func (p *Pipeline) discard(ctx context.Context, e *export.Export, a *export.Account) error {
	if a.State == export.AccountDone {
		return nil
	}
	ca := asConnectorAccount(e, a)
	for _, c := range p.connectorsFor(ca) {
		d, ok := c.(connector.Discarder)
		if !ok {
			continue
		}
		if err := d.Discard(ctx, ca); err != nil {
			return fmt.Errorf("discard what %s made for %s: %w", c.Product(), a.ID, err)
		}
	}
	return nil
}

// connectorsFor lists the connectors that have something for a.
func (p *Pipeline) connectorsFor(a connector.Account) []Connector {
	var out []Connector
	for _, c := range p.Connectors {
		if c.Handles(a) {
			out = append(out, c)
		}
	}
	return out
}

func asConnectorAccount(e *export.Export, a *export.Account) connector.Account {
	return connector.Account{Type: a.Type, ID: a.ID, Subject: a.Subject, Name: a.Name, Kind: a.Kind, Suspended: a.Suspended,
		ExportID: e.ID, CutOff: e.CutOff}
}

// folder is the account's folder in the export: "users/alice@example.com/".
func folder(a *export.Account) string {
	return a.Type.Folder() + "/" + zipname.Sanitize(a.ID) + "/"
}

// partResult is what a part leaves for the account's record.
type partResult struct {
	summary archive.Summary
	object  string
	errors  map[export.Product]string
	// unsupported are products a customer-owned account could not export
	// at all: they concern the whole organisation (Vault without licences,
	// Chat spaces the admin may not search), so the export lists them too.
	unsupported []export.Unsupported
	empty       bool // no zip was written: the account had nothing in this part
	jobs        []job
}

// writePart streams part a.Resume.NextPart to the bucket and returns where
// the next part starts (nil when the account is done). On an error the
// uploads are abandoned, not committed: the part is redone under the same
// name.
func (p *Pipeline) writePart(ctx context.Context, e *export.Export, a *export.Account, l *lease, start time.Time) (partResult, *export.Resume, error) {
	wctx, abandon := context.WithCancel(ctx)
	defer abandon()
	n := a.Resume.NextPart
	base := e.Prefix + folder(a)
	// All three objects are made on their first byte: an account with
	// nothing to export leaves no empty zip (which unzip calls broken).
	// Each is written over the generation it has now, so a worker that
	// lost its lease can never replace the object of the one that won.
	objs := make([]*lazyObject, 3)
	for i, o := range []struct{ name, contentType string }{
		{archive.PartName(a.ID, n), "application/zip"},
		{archive.IndexName(a.ID, n), "application/x-ndjson"},
		{archive.FailuresName(a.ID, n), "application/x-ndjson"},
	} {
		gen, err := p.generation(ctx, base+o.name)
		if err != nil {
			return partResult{}, nil, err
		}
		objs[i] = &lazyObject{ctx: wctx, bucket: p.Bucket, name: base + o.name, contentType: o.contentType, generation: gen}
	}
	zipObj, idxObj, failObj := objs[0], objs[1], objs[2]
	pw, err := archive.New(zipObj, archive.Options{Part: n, PartSize: p.PartSize, Deadline: start.Add(p.Budget),
		Now: p.now, Failures: failObj, Index: idxObj, Workers: p.ZipWorkers})
	if err != nil {
		return partResult{}, nil, err
	}
	em := &heartbeat{PartWriter: pw, lease: l}
	jobs, err := p.jobs(ctx, e, a)
	if err != nil {
		return partResult{}, nil, err
	}
	next, errs, unsupported, err := p.runProducts(ctx, e, a, em, jobs)
	if err != nil {
		return partResult{}, nil, err
	}
	if pw.Size() == 0 {
		// Nothing at all was written (an account without data, or a
		// connector that only waited, for Vault): no zip, no index. The
		// failures, if any, stand, and so do the counts and the cursor.
		if err := failObj.Close(); err != nil {
			return partResult{}, nil, fmt.Errorf("upload failures of %s: %w", a.ID, err)
		}
		sum := pw.Summary()
		if next != nil && next.Cursor == cursorFromPart {
			next.Cursor = sum.Cursor
		}
		return partResult{summary: sum, object: failObj.committed(), errors: errs, unsupported: unsupported, empty: true, jobs: jobs}, next, nil
	}
	sum, err := pw.Close()
	if err != nil {
		return partResult{}, nil, fmt.Errorf("finish part %d of %s: %w", n, a.ID, err)
	}
	for _, w := range []io.Closer{zipObj, idxObj, failObj} {
		if err := w.Close(); err != nil {
			return partResult{}, nil, fmt.Errorf("upload part %d of %s: %w", n, a.ID, err)
		}
	}
	if next != nil && next.Cursor == cursorFromPart {
		next.Cursor = sum.Cursor
	}
	return partResult{summary: sum, object: failObj.committed(), errors: errs, unsupported: unsupported, jobs: jobs}, next, nil
}

// cursorFromPart marks a resume whose cursor is the part's last checkpoint.
const cursorFromPart = "\x00part"

// runProducts exports the account's products from its checkpoint until the
// part is cut (returning where to resume) or all are done (returning nil).
// A product that fails as a whole is recorded and the others go on.
func (p *Pipeline) runProducts(ctx context.Context, e *export.Export, a *export.Account, em *heartbeat, jobs []job) (*export.Resume, map[export.Product]string, []export.Unsupported, error) {
	names := make([]export.Product, len(jobs))
	for i, j := range jobs {
		names[i] = j.c.Product()
	}
	errs := map[export.Product]string{}
	var unsupported []export.Unsupported
	start, cursor, gone := a.Resume.Position(names)
	if gone != "" {
		// Not skipped silently: the part it was in stands, the rest is
		// listed as failed with the reason.
		em.Fail(connector.Failure{Product: gone, ItemID: export.RetryItems,
			Reason: fmt.Sprintf("This version of orgexport no longer exports %s; the items of it not exported before the update are missing.", gone)})
	}
	next := a.Resume.NextPart + 1
	for i := start; i < len(jobs); i++ {
		c := jobs[i].c
		if a.Type == export.User && a.Suspended {
			// Google refuses delegated reads of a suspended account: the
			// product is not available (R7b), listed once for the export
			// and noted on the account; nothing is tried, failed per item
			// or retried.
			why := connector.SuspendedReason(c.Product())
			errs[c.Product()] = connector.SuspendedNote + ": " + why
			unsupported = append(unsupported, export.Unsupported{Product: c.Product(),
				Scope: string(c.Product()) + " (suspended accounts)", Reason: connector.SuspendedNote + ": " + why})
			cursor = ""
			continue
		}
		err := jobs[i].run(ctx, asConnectorAccount(e, a), cursor, em)
		cursor = ""
		switch {
		case errors.Is(err, connector.ErrCut):
			r := export.At(next, names, i, cursorFromPart)
			return &r, errs, unsupported, nil
		case ctx.Err() != nil:
			return nil, nil, nil, ctx.Err()
		case notAuthorised(err) != "":
			// The organisation's set-up, not this account: listed once for
			// the export, for every kind of account.
			errs[c.Product()] = notAuthorised(err)
			unsupported = append(unsupported, export.Unsupported{Product: c.Product(), Scope: string(c.Product()),
				Reason: notAuthorised(err)})
		case connector.NotAvailable(err) != "":
			// Turned off for the user: the product is not available for the
			// account (R7b), listed once for the export and noted on the
			// account, not a failure per item and not retried.
			why := connector.NotAvailable(err)
			errs[c.Product()] = "not available: " + why
			unsupported = append(unsupported, export.Unsupported{Product: c.Product(),
				Scope: string(c.Product()) + " (accounts it is turned off for)", Reason: why})
		case errors.Is(err, connector.ErrUnsupported):
			errs[c.Product()] = err.Error()
			if a.Type == export.Customer {
				unsupported = append(unsupported, export.Unsupported{Product: c.Product(),
					Scope:   fmt.Sprintf("%s (%s)", c.Product(), cmp.Or(a.Name, a.ID)),
					Reason:  strings.TrimPrefix(err.Error(), connector.ErrUnsupported.Error()+": "),
					Account: a.ID, AccountName: a.Name})
			}
		case err != nil:
			errs[c.Product()] = err.Error()
			em.Fail(connector.Failure{Product: c.Product(), ItemID: export.RetryItems, Reason: err.Error()})
		}
		// Between products the part may be cut too.
		if i+1 < len(jobs) {
			if err := em.Checkpoint(ctx, ""); errors.Is(err, connector.ErrCut) {
				r := export.At(next, names, i+1, "")
				return &r, errs, unsupported, nil
			}
		}
	}
	return nil, errs, unsupported, nil
}

// notAuthorised is the reason, naming the fix, when err says the
// organisation has not authorised the product at all; else "".
func notAuthorised(err error) string {
	var na connector.NotAuthorised
	if errors.As(err, &na) {
		return na.NotAuthorised()
	}
	return ""
}

// heartbeat is the part writer that renews the worker's lease at its
// checkpoints, at most once every export.RenewEvery of the clock.
type heartbeat struct {
	*archive.PartWriter
	lease *lease
}

func (h *heartbeat) Checkpoint(ctx context.Context, cursor string) error {
	err := h.PartWriter.Checkpoint(ctx, cursor)
	h.lease.renewIfDue()
	return err
}

// finishPart records the part in the account's record and either enqueues
// the next part or finishes the account.
func (p *Pipeline) finishPart(ctx context.Context, e *export.Export, a *export.Account, token int, res partResult, next *export.Resume) error {
	now := p.now()
	sum := res.summary
	_, err := p.Store.UpdateAccount(ctx, e.CustomerID, e.ID, a.Key, func(a *export.Account) error {
		if err := a.Holds(token); err != nil {
			return err // another worker took the part over: it records it
		}
		if a.Resume.NextPart != sum.Part {
			return export.ErrLeaseLost // cannot happen under the lease; never record a part twice
		}
		if !res.empty {
			a.Parts = append(a.Parts, export.Part{Name: folder(a) + archive.PartName(a.ID, sum.Part), Size: sum.Size,
				SHA256: hex.EncodeToString(sum.SHA256), MD5: hex.EncodeToString(sum.MD5), CRC32C: sum.CRC32C})
		}
		if res.object != "" {
			a.FailureObjects = append(a.FailureObjects, strings.TrimPrefix(res.object, e.Prefix))
		}
		count(a, res.jobs, sum, res.errors)
		a.Bytes += sum.Size
		a.Heartbeat, a.LeaseUntil = now, time.Time{} // the next part is claimed anew
		if next != nil {
			a.Resume = *next
		} else {
			a.State, a.Resume = export.AccountDone, export.Resume{NextPart: sum.Part + 1}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record part %d of %s: %w", sum.Part, a.ID, err)
	}
	if err := p.addUnsupported(ctx, e, res.unsupported); err != nil {
		return err
	}
	if next != nil {
		return p.enqueueAccount(ctx, e, a.Key, next.NextPart)
	}
	return p.Events.AccountFinished(ctx, e.CustomerID, e.ID, a.Key)
}

// addUnsupported lists in the export what an account found it cannot
// export for the organisation, once each, before the account is finished
// (so the report, built after the last account, has it).
func (p *Pipeline) addUnsupported(ctx context.Context, e *export.Export, us []export.Unsupported) error {
	if len(us) == 0 {
		return nil
	}
	_, err := p.Store.Update(ctx, e.CustomerID, e.ID, func(x *export.Export) ([]export.AuditEntry, error) {
		for _, u := range us {
			if !slices.Contains(x.Unsupported, u) {
				x.Unsupported = append(x.Unsupported, u)
			}
		}
		return nil, nil
	})
	if err != nil {
		return fmt.Errorf("record what %s cannot export: %w", e.ID, err)
	}
	return nil
}
