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
	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/zipname"
)

// Account writes one part of an account's archive, and hands over to a
// continuation task or finishes the account.
func (p *Pipeline) Account(ctx context.Context, t export.AccountTask) error {
	start := p.now()
	e, err := p.Store.Export(ctx, t.CustomerID, t.ExportID)
	if err != nil {
		return fmt.Errorf("export %s: %w", t.ExportID, err)
	}
	a, err := p.Store.Account(ctx, t.CustomerID, t.ExportID, t.AccountKey)
	if err != nil {
		return fmt.Errorf("account %s of %s: %w", t.AccountKey, t.ExportID, err)
	}
	switch {
	case e.State == export.Cancelled:
		return p.cancelAccount(ctx, e, a)
	case e.State != export.Running:
		return nil
	case a.State.Final():
		// A redelivery, or a task of an account Housekeeping failed at the
		// 14-day limit: discard what its connectors made, and say it is
		// finished again, harmlessly.
		if err := p.discard(ctx, e, a); err != nil {
			return err
		}
		return p.Events.AccountFinished(ctx, e.CustomerID, e.ID, a.Key)
	case t.Part < a.Resume.NextPart:
		// This part is done; make sure its continuation exists.
		return p.enqueueAccount(ctx, e, a.Key, a.Resume.NextPart)
	case t.Part > a.Resume.NextPart:
		return fmt.Errorf("account %s: task for part %d, but part %d is next", a.Key, t.Part, a.Resume.NextPart)
	}
	if a, err = p.claim(ctx, e, a, start); err != nil {
		return err
	}
	sum, next, err := p.writePart(ctx, e, a, start)
	if err != nil {
		return err
	}
	return p.finishPart(ctx, e, a, sum, next)
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

func (p *Pipeline) claim(ctx context.Context, e *export.Export, a *export.Account, now time.Time) (*export.Account, error) {
	return p.Store.UpdateAccount(ctx, e.CustomerID, e.ID, a.Key, func(a *export.Account) error {
		a.State, a.Heartbeat = export.AccountRunning, now
		a.Attempts++
		return nil
	})
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
	return connector.Account{Type: a.Type, ID: a.ID, Subject: a.Subject, Name: a.Name, Kind: a.Kind,
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
}

// writePart streams part a.Resume.NextPart to the bucket and returns where
// the next part starts (nil when the account is done). On an error the
// uploads are abandoned, not committed: the part is redone under the same
// name.
func (p *Pipeline) writePart(ctx context.Context, e *export.Export, a *export.Account, start time.Time) (partResult, *export.Resume, error) {
	wctx, abandon := context.WithCancel(ctx)
	defer abandon()
	n := a.Resume.NextPart
	base := e.Prefix + folder(a)
	// All three objects are made on their first byte: an account with
	// nothing to export leaves no empty zip (which unzip calls broken).
	zipObj := &lazyObject{ctx: wctx, bucket: p.Bucket, name: base + archive.PartName(a.ID, n), contentType: "application/zip"}
	idxObj := &lazyObject{ctx: wctx, bucket: p.Bucket, name: base + archive.IndexName(a.ID, n), contentType: "application/x-ndjson"}
	failObj := &lazyObject{ctx: wctx, bucket: p.Bucket, name: base + archive.FailuresName(a.ID, n), contentType: "application/x-ndjson"}
	pw, err := archive.New(zipObj, archive.Options{Part: n, PartSize: p.PartSize, Deadline: start.Add(p.Budget),
		Now: p.now, Failures: failObj, Index: idxObj})
	if err != nil {
		return partResult{}, nil, err
	}
	em := &heartbeat{PartWriter: pw, p: p, e: e, key: a.Key, last: start}
	next, errs, unsupported, err := p.runProducts(ctx, e, a, em)
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
		return partResult{summary: sum, object: failObj.committed(), errors: errs, unsupported: unsupported, empty: true}, next, nil
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
	return partResult{summary: sum, object: failObj.committed(), errors: errs, unsupported: unsupported}, next, nil
}

// cursorFromPart marks a resume whose cursor is the part's last checkpoint.
const cursorFromPart = "\x00part"

// runProducts exports the account's products from its checkpoint until the
// part is cut (returning where to resume) or all are done (returning nil).
// A product that fails as a whole is recorded and the others go on.
func (p *Pipeline) runProducts(ctx context.Context, e *export.Export, a *export.Account, em *heartbeat) (*export.Resume, map[export.Product]string, []export.Unsupported, error) {
	conns := p.connectorsFor(asConnectorAccount(e, a))
	errs := map[export.Product]string{}
	var unsupported []export.Unsupported
	cursor := a.Resume.Cursor
	next := a.Resume.NextPart + 1
	for i := a.Resume.Product; i < len(conns); i++ {
		c := conns[i]
		err := c.Export(ctx, asConnectorAccount(e, a), cursor, em)
		cursor = ""
		switch {
		case errors.Is(err, connector.ErrCut):
			return &export.Resume{NextPart: next, Product: i, Cursor: cursorFromPart}, errs, unsupported, nil
		case ctx.Err() != nil:
			return nil, nil, nil, ctx.Err()
		case errors.Is(err, connector.ErrUnsupported):
			errs[c.Product()] = err.Error()
			if a.Type == export.Customer {
				unsupported = append(unsupported, export.Unsupported{Product: c.Product(),
					Scope:  fmt.Sprintf("%s (%s)", c.Product(), cmp.Or(a.Name, a.ID)),
					Reason: strings.TrimPrefix(err.Error(), connector.ErrUnsupported.Error()+": ")})
			}
		case err != nil:
			errs[c.Product()] = err.Error()
			em.Fail(connector.Failure{Product: c.Product(), ItemID: "(remaining items)", Reason: err.Error()})
		}
		// Between products the part may be cut too.
		if i+1 < len(conns) {
			if err := em.Checkpoint(ctx, ""); errors.Is(err, connector.ErrCut) {
				return &export.Resume{NextPart: next, Product: i + 1}, errs, unsupported, nil
			}
		}
	}
	return nil, errs, unsupported, nil
}

// heartbeat is the part writer with a heartbeat on the account's record at
// most once a minute, so Housekeeping can tell a live worker from a stuck one.
type heartbeat struct {
	*archive.PartWriter
	p    *Pipeline
	e    *export.Export
	key  string
	last time.Time
}

func (h *heartbeat) Checkpoint(ctx context.Context, cursor string) error {
	err := h.PartWriter.Checkpoint(ctx, cursor)
	if now := h.p.now(); now.Sub(h.last) > time.Minute {
		h.last = now
		_, _ = h.p.Store.UpdateAccount(ctx, h.e.CustomerID, h.e.ID, h.key, func(a *export.Account) error {
			a.Heartbeat = now
			return nil
		})
	}
	return err
}

// finishPart records the part in the account's record and either enqueues
// the next part or finishes the account.
func (p *Pipeline) finishPart(ctx context.Context, e *export.Export, a *export.Account, res partResult, next *export.Resume) error {
	now := p.now()
	sum := res.summary
	products := p.connectorsFor(asConnectorAccount(e, a))
	_, err := p.Store.UpdateAccount(ctx, e.CustomerID, e.ID, a.Key, func(a *export.Account) error {
		if a.Resume.NextPart != sum.Part || a.State.Final() {
			return nil // recorded already by an earlier delivery
		}
		if !res.empty {
			a.Parts = append(a.Parts, export.Part{Name: folder(a) + archive.PartName(a.ID, sum.Part), Size: sum.Size,
				SHA256: hex.EncodeToString(sum.SHA256), MD5: hex.EncodeToString(sum.MD5), CRC32C: sum.CRC32C})
		}
		if res.object != "" {
			a.FailureObjects = append(a.FailureObjects, strings.TrimPrefix(res.object, e.Prefix))
		}
		count(a, products, sum, res.errors)
		a.Bytes += sum.Size
		a.Heartbeat = now
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

// count adds a part's per-product counts to the account.
func count(a *export.Account, conns []Connector, sum archive.Summary, errs map[export.Product]string) {
	if a.Products == nil {
		a.Products = map[string]export.ProductCount{}
	}
	for _, c := range conns {
		pc := a.Products[string(c.Product())]
		pc.Files += int64(sum.Items[c.Product()])
		pc.Failed += int64(sum.Failed[c.Product()])
		if msg, ok := errs[c.Product()]; ok {
			pc.Note = msg
		}
		a.Products[string(c.Product())] = pc
		a.Files += int64(sum.Items[c.Product()])
		a.FailedItems += int64(sum.Failed[c.Product()])
	}
}

// lazyObject creates its object only when something is written, so a part
// without failures leaves no empty failures file.
type lazyObject struct {
	ctx         context.Context
	bucket      Bucket
	name        string
	contentType string
	w           io.WriteCloser
	closed      bool
}

func (l *lazyObject) Write(b []byte) (int, error) {
	if l.w == nil {
		l.w = l.bucket.NewWriter(l.ctx, l.name, l.contentType)
	}
	return l.w.Write(b)
}

func (l *lazyObject) Close() error {
	if l.w == nil || l.closed {
		return nil
	}
	l.closed = true
	return l.w.Close()
}

// committed is the object's name if it was written.
func (l *lazyObject) committed() string {
	if l.w == nil {
		return ""
	}
	return l.name
}
