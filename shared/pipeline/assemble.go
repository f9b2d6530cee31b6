package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/orgexport/orgexport/shared/archive"
	"github.com/orgexport/orgexport/shared/blob"
	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/events"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/report"
)

// Assemble handles an export event: when every account of the export is
// final it moves the export to ASSEMBLING (once, in a transaction), writes
// the report and manifest.json, completes the export and emails the
// requester. Duplicate and out-of-order events are harmless.
func (p *Pipeline) Assemble(ctx context.Context, ev events.Event) error {
	e, err := p.Store.Export(ctx, ev.CustomerID, ev.ExportID)
	if err != nil {
		return fmt.Errorf("export %s: %w", ev.ExportID, err)
	}
	if e.State == export.Running {
		ready, err := p.ready(ctx, e)
		if err != nil || !ready {
			return err
		}
		if e, err = p.toAssembling(ctx, e); err != nil || e == nil {
			return err
		}
	}
	if e.IsRetry() && e.State.Done() {
		// A redelivery: the original's report may not have its section yet.
		return p.recordRetry(ctx, e)
	}
	if e.State != export.Assembling {
		return nil
	}
	e, err = p.Store.Update(ctx, e.CustomerID, e.ID, func(x *export.Export) ([]export.AuditEntry, error) {
		return nil, x.ClaimAssembly(p.now())
	})
	if errors.Is(err, export.ErrTransition) {
		return nil // completed meanwhile by another delivery
	}
	if err != nil {
		return err
	}
	if err := p.complete(ctx, e); err != nil {
		// Give the assembly back, so the event's next delivery does it at
		// once instead of waiting out the lease.
		_, rerr := p.Store.Update(context.WithoutCancel(ctx), e.CustomerID, e.ID, func(x *export.Export) ([]export.AuditEntry, error) {
			if x.State == export.Assembling {
				x.AssemblingUntil = time.Time{}
			}
			return nil, nil
		})
		if rerr != nil {
			p.Log.WarnContext(ctx, "assembly not given back; it lapses by itself", "export", e.ID, "error", rerr)
		}
		return err
	}
	return nil
}

// ready reports whether every account is final and none is left to list.
func (p *Pipeline) ready(ctx context.Context, e *export.Export) (bool, error) {
	if !e.Enumeration.Done {
		return false, nil
	}
	left, err := p.Store.Unfinished(ctx, e.CustomerID, e.ID)
	return !left, err
}

// toAssembling re-checks the requester (R3c) and moves the export on. It
// returns nil if the export was cancelled instead.
func (p *Pipeline) toAssembling(ctx context.Context, e *export.Export) (*export.Export, error) {
	if cancelled, err := p.Requesters.CancelIfRequesterLost(ctx, e); err != nil || cancelled {
		return nil, err
	}
	now := p.now()
	return p.Store.Update(ctx, e.CustomerID, e.ID, func(e *export.Export) ([]export.AuditEntry, error) {
		if e.State == export.Running {
			e.State, e.FinishedAt = export.Assembling, now
		}
		return nil, nil
	})
}

// complete writes the report and the manifest, stamps the archive and
// completes the export, under the assembly lease. A delivery whose process
// died here leaves the lease to lapse; the next delivery (Pub/Sub's retry,
// Housekeeping's nudge) does it again with the same finish time, so it
// writes the same bytes.
func (p *Pipeline) complete(ctx context.Context, e *export.Export) error {
	now := e.FinishedAt
	if now.IsZero() { // ASSEMBLING before FinishedAt existed
		now = p.now()
	}
	final, err := p.finalState(ctx, e)
	if err != nil {
		return err
	}
	rep, sums, err := p.buildReport(ctx, e, final, now)
	if err != nil {
		return err
	}
	if err := p.writeReport(ctx, e, rep, nil); err != nil {
		return err
	}
	// A retry's objects expire with its original's (R12, R16).
	retention := now
	if e.IsRetry() {
		retention = e.RetentionFrom()
	}
	stamps := p.stamper(ctx, retention)
	bytes, err := p.writeManifest(ctx, e, now, nil, sums, stamps.add)
	if err != nil {
		_ = stamps.wait()
		return err
	}
	stamps.add(blob.Attrs{Name: e.Prefix + "manifest.json"})
	if err := stamps.wait(); err != nil {
		return err
	}
	t := rep.Totals()
	e, err = p.Store.Update(ctx, e.CustomerID, e.ID, func(e *export.Export) ([]export.AuditEntry, error) {
		if e.State != export.Assembling {
			return nil, nil
		}
		e.State, e.CompletedAt = final, now
		if !e.IsRetry() { // a retry keeps its original's expiry
			e.Expires, e.PurgeAt = export.Expires(now), export.PurgeAt(now)
		}
		e.Totals = export.Totals{Accounts: t.Accounts, AccountsFailed: t.AccountsWithErrors, Files: t.Exported, FailedItems: t.Failed,
			Deleted: t.Deleted, Bytes: bytes}
		e.Queue(export.MailCompleted, []string{e.RequestedBy}, now)
		return []export.AuditEntry{{At: now, Actor: "orgexport", Action: export.ActionComplete, ExportID: e.ID,
			Detail: map[string]any{"state": string(final), "accounts": t.Accounts, "failedItems": t.Failed}}}, nil
	})
	if err != nil {
		return err
	}
	// The email was queued with the change; if it cannot be sent now it
	// stays queued and Housekeeping sends it.
	if p.Mail != nil && len(e.Unsent()) > 0 {
		if err := p.Mail.Flush(ctx, e); err != nil {
			p.Log.ErrorContext(ctx, "completion email not sent now; housekeeping will send it", "export", e.ID, "error", err)
		}
	}
	if e.IsRetry() && e.State.Done() {
		return p.recordRetry(ctx, e)
	}
	return nil
}

func (p *Pipeline) finalState(ctx context.Context, e *export.Export) (export.State, error) {
	failed, err := p.Store.CountAccounts(ctx, e.CustomerID, e.ID, export.AccountFailed)
	if err != nil {
		return "", err
	}
	withItems, err := p.Store.CountAccountsWithFailedItems(ctx, e.CustomerID, e.ID)
	if err != nil {
		return "", err
	}
	if failed+withItems > 0 {
		return export.CompletedWithErrors, nil
	}
	return export.Completed, nil
}

// buildReport reads the export's accounts for its report, and sums their
// parts for the manifest on the way.
func (p *Pipeline) buildReport(ctx context.Context, e *export.Export, final export.State, now time.Time) (*report.Report, *partSums, error) {
	sums := &partSums{sha: map[string]string{}}
	in := report.Input{
		Export: report.Export{CustomerID: e.CustomerID, Domain: e.Domain, ExportID: e.ID, RequestedBy: e.RequestedBy,
			RequestedAt: e.RequestedAt, HoldEnd: e.HoldEnd, CutOff: e.CutOff, StartedAt: e.StartedAt, FinishedAt: now, State: final,
			Retry: e.Retry, RetryOf: e.Parent},
		Accounts: p.reportAccounts(ctx, e, sums),
		Retries:  reportRetries(e.Retries),
	}
	for _, u := range e.Unsupported {
		dt := u.Scope
		if dt == string(u.Product) {
			dt = ""
		}
		in.Unsupported = append(in.Unsupported, report.Unsupported{Product: u.Product, DataType: dt, Reason: u.Reason,
			Account: u.Account, AccountName: u.AccountName})
	}
	rep, err := report.Build(in)
	return rep, sums, err
}

// partSums are the SHA-256 of an export's parts, by name under its prefix,
// and the bytes of its accounts, as their records hold them.
type partSums struct {
	sha   map[string]string
	bytes int64
}

func (s *partSums) add(folder string, a *export.Account) {
	for _, part := range a.Parts {
		s.sha[folder+part.Name] = part.SHA256
	}
}

// reportAccounts converts the account records for the report; failed items
// are read from the bucket only when the report is written.
func (p *Pipeline) reportAccounts(ctx context.Context, e *export.Export, sums *partSums) iter.Seq2[report.Account, error] {
	return func(yield func(report.Account, error) bool) {
		for a, err := range p.Store.Accounts(ctx, e.CustomerID, e.ID) {
			if err != nil {
				yield(report.Account{}, err)
				return
			}
			sums.add("", a)
			sums.bytes += a.Bytes
			if !yield(p.reportAccount(ctx, e, a), nil) {
				return
			}
		}
	}
}

func (p *Pipeline) reportAccount(ctx context.Context, e *export.Export, a *export.Account) report.Account {
	ra := report.Account{Type: a.Type, ID: a.ID, Name: a.Name, Suspended: a.Suspended, DeletedItems: a.Deleted}
	for _, part := range a.Parts {
		ra.Parts = append(ra.Parts, part.Name)
	}
	names := make([]string, 0, len(a.Products))
	for name := range a.Products {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		pc := a.Products[name]
		ra.Products = append(ra.Products, report.ProductCount{Product: export.Product(name), Exported: pc.Files, Failed: pc.Failed})
		if pc.Retried != "" {
			if ra.Retried == nil {
				ra.Retried = map[export.Product]string{}
			}
			ra.Retried[export.Product(name)] = pc.Retried
		}
		if pc.Note != "" {
			ra.Errors = append(ra.Errors, name+": "+pc.Note)
		}
	}
	if a.State == export.AccountFailed || a.State == export.AccountCancelled {
		msg := a.LastError
		if msg == "" {
			msg = "The account was not exported (" + strings.ToLower(string(a.State)) + ")."
		}
		ra.Errors = append(ra.Errors, msg)
	}
	if len(a.FailureObjects) > 0 {
		objs := slices.Clone(a.FailureObjects)
		ra.Failures = p.failures(ctx, e.Prefix, objs)
	}
	return ra
}

func (p *Pipeline) failures(ctx context.Context, prefix string, objs []string) iter.Seq2[connector.Failure, error] {
	return func(yield func(connector.Failure, error) bool) {
		stop := fmt.Errorf("stop")
		for _, name := range objs {
			r, err := p.Bucket.NewReader(ctx, prefix+name)
			if err != nil {
				yield(connector.Failure{}, err)
				return
			}
			err = archive.ReadFailures(r, func(f connector.Failure) error {
				if !yield(f, nil) {
					return stop
				}
				return nil
			})
			r.Close()
			if err == stop {
				return
			}
			if err != nil {
				yield(connector.Failure{}, fmt.Errorf("read %s: %w", name, err))
				return
			}
		}
	}
}

// writeReport writes report.html and report.json in one pass over the
// accounts, so that each account's failed items are read from the bucket
// once.
func (p *Pipeline) writeReport(ctx context.Context, e *export.Export, rep *report.Report, g *rewrite) error {
	wctx, abandon := context.WithCancel(ctx)
	defer abandon() // an upload not closed is abandoned
	html := p.newObject(wctx, e.Prefix+"report.html", "text/html; charset=utf-8", g)
	js := p.newObject(wctx, e.Prefix+"report.json", "application/json", g)
	if err := rep.WriteBoth(html, js); err != nil {
		return fmt.Errorf("write the report: %w", err)
	}
	if err := html.Close(); err != nil {
		return fmt.Errorf("upload %s: %w", e.Prefix+"report.html", err)
	}
	if err := js.Close(); err != nil {
		return fmt.Errorf("upload %s: %w", e.Prefix+"report.json", err)
	}
	return nil
}

// rewrite is how objects of a completed archive are written again: over
// the generations read (0: absent), and stamped with the retention's start
// from their creation, so that none is ever without it. A nil rewrite
// writes whatever is there, unstamped (an archive being assembled is
// stamped once complete).
type rewrite struct {
	gen   map[string]int64
	stamp time.Time
}

// writeObject writes name, on the condition g sets for it: otherwise the
// error wraps blob.ErrPrecondition.
func (p *Pipeline) writeObject(ctx context.Context, name, contentType string, write func(io.Writer) error, g *rewrite) error {
	wctx, abandon := context.WithCancel(ctx)
	defer abandon()
	w := p.newObject(wctx, name, contentType, g)
	if err := write(w); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("upload %s: %w", name, err)
	}
	return nil
}

// newObject starts the upload of name, on the condition g sets for it;
// cancelling ctx before Close abandons it.
func (p *Pipeline) newObject(ctx context.Context, name, contentType string, g *rewrite) io.WriteCloser {
	if g == nil {
		return p.Bucket.NewWriter(ctx, name, contentType)
	}
	return p.Bucket.NewWriterStamped(ctx, name, contentType, g.gen[name], g.stamp)
}

// ManifestEntry is one object in manifest.json (R8d).
type ManifestEntry struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	MD5    string `json:"md5"`
	CRC32C string `json:"crc32c"`
	SHA256 string `json:"sha256,omitempty"`
}

// writeManifest lists every object of the export with its size and
// checksums, so a download can be verified, and returns the bytes of the
// accounts' parts (the export's size in its totals). sums are the export's
// own parts, read with its report. It hands each object it lists to each
// (the stamps of R12), so that the export is listed once.
func (p *Pipeline) writeManifest(ctx context.Context, e *export.Export, now time.Time, g *rewrite, sums *partSums, each func(blob.Attrs)) (int64, error) {
	sha := sums.sha
	// The original's manifest lists its retries' objects too (R16), so a
	// downloaded copy with its retry-N/ folders verifies.
	for _, r := range e.Retries {
		for a, err := range p.Store.Accounts(ctx, e.CustomerID, r.ID) {
			if err != nil {
				return 0, err
			}
			sums.add(export.RetryFolder(r.N), a)
		}
	}
	return sums.bytes, p.writeObject(ctx, e.Prefix+"manifest.json", "application/json", func(w io.Writer) error {
		fmt.Fprintf(w, "{\n  \"version\": 1,\n  \"customer_id\": %q,\n  \"export_id\": %q,\n  \"generated_at\": %q,\n  \"objects\": [", e.CustomerID, e.ID, now.Format(time.RFC3339))
		first := true
		for o, err := range p.Bucket.List(ctx, e.Prefix) {
			if err != nil {
				return err
			}
			each(o)
			rel := strings.TrimPrefix(o.Name, e.Prefix)
			if rel == "manifest.json" {
				continue
			}
			b, _ := json.Marshal(ManifestEntry{Name: rel, Size: o.Size, MD5: fmt.Sprintf("%x", o.MD5), CRC32C: fmt.Sprintf("%08x", o.CRC32C), SHA256: sha[rel]})
			if !first {
				io.WriteString(w, ",")
			}
			first = false
			fmt.Fprintf(w, "\n    %s", b)
		}
		_, err := io.WriteString(w, "\n  ]\n}\n")
		return err
	}, g)
}

// stampers is how many stamp requests are made at once: single objects,
// or batches where the bucket stamps many in one request.
const (
	stampers      = 16
	batchStampers = 4
)

// batchStamper is a bucket that stamps up to blob.StampBatch objects in one
// request (blob.GCS: Cloud Storage's batch requests).
type batchStamper interface {
	SetCustomTimes(ctx context.Context, names []string, t time.Time) error
}

// stamps set objects' Custom-Time to the completion time: the bucket's
// lifecycle rule deletes objects 30 days after it (R12), however early in
// a 14-day export they were written. Cloud Storage takes a call an object,
// up to 100 of them in a batch request; an object already stamped (by an
// earlier delivery of the same event) is skipped.
type stamps struct {
	g       *errgroup.Group
	ctx     context.Context
	bucket  Bucket
	batch   batchStamper // nil: one request an object
	at      time.Time
	pending []string
}

func (p *Pipeline) stamper(ctx context.Context, at time.Time) *stamps {
	g, gctx := errgroup.WithContext(ctx)
	s := &stamps{g: g, ctx: gctx, bucket: p.Bucket, at: at}
	if b, ok := p.Bucket.(batchStamper); ok {
		s.batch = b
		g.SetLimit(batchStampers)
	} else {
		g.SetLimit(stampers)
	}
	return s
}

// add stamps o, or waits for a stamper to be free first.
func (s *stamps) add(o blob.Attrs) {
	// Cloud Storage keeps Custom-Time to the second.
	if o.CustomTime.Equal(s.at) || o.CustomTime.Equal(s.at.Truncate(time.Second)) || s.ctx.Err() != nil {
		return
	}
	if s.batch == nil {
		s.g.Go(func() error { return s.bucket.SetCustomTime(s.ctx, o.Name, s.at) })
		return
	}
	if s.pending = append(s.pending, o.Name); len(s.pending) == blob.StampBatch {
		s.flush()
	}
}

func (s *stamps) flush() {
	names := s.pending
	s.pending = nil
	s.g.Go(func() error { return s.batch.SetCustomTimes(s.ctx, names, s.at) })
}

func (s *stamps) wait() error {
	if len(s.pending) > 0 && s.ctx.Err() == nil {
		s.flush()
	}
	if err := s.g.Wait(); err != nil {
		return fmt.Errorf("stamp the archive's retention: %w", err)
	}
	return nil
}
