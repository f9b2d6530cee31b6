package wire

import (
	"context"
	"log/slog"
	"time"

	"github.com/orgexport/orgexport/shared/blob"
	"github.com/orgexport/orgexport/shared/config"
	"github.com/orgexport/orgexport/shared/control"
	"github.com/orgexport/orgexport/shared/estimate"
	"github.com/orgexport/orgexport/shared/pipeline"
	"github.com/orgexport/orgexport/shared/setupcheck"
)

// controlPlane is the control plane on the parts; Tasks and Mail are left
// nil when the function has none configured (Support, for example).
func (p *parts) controlPlane(ctx context.Context, c config.Common, ws config.Workspace, tasks config.Tasks, mail config.Mail) (*control.Service, error) {
	svc := &control.Service{Log: p.log}
	st, err := p.store(ctx, c.Project)
	if err != nil {
		return nil, err
	}
	svc.Store = st
	if svc.Directory, err = p.directory(ctx, ws); err != nil {
		return nil, err
	}
	if mail.Host != "" {
		if svc.Mail, err = p.outbox(mail, st); err != nil {
			return nil, err
		}
	}
	if tasks.Location != "" {
		if svc.Tasks, err = p.queue(ctx, c.Project, tasks); err != nil {
			return nil, err
		}
	}
	return svc, nil
}

// StartExport builds the admins' API's control plane.
func StartExport(ctx context.Context, c config.StartExport, log *slog.Logger) (*control.Service, Closers, error) {
	p := &parts{log: log}
	svc, err := p.controlPlane(ctx, c.Common, c.Workspace, c.Tasks, c.Mail)
	if err != nil {
		return nil, nil, p.fail(err)
	}
	svc.Hold = c.Hold
	svc.Checker = setupcheck.New(p.ws)
	svc.Estimator = &estimate.Estimator{Clients: p.ws, PartSize: c.PartSize}
	return svc, p.closers, nil
}

// Housekeeping builds the control plane for the hourly run.
func Housekeeping(ctx context.Context, c config.Housekeeping, log *slog.Logger) (*control.Service, Closers, error) {
	p := &parts{log: log}
	svc, err := p.controlPlane(ctx, c.Common, c.Workspace, c.Tasks, c.Mail)
	if err != nil {
		return nil, nil, p.fail(err)
	}
	if svc.Events, err = p.events(ctx, c.Project, c.Topic); err != nil {
		return nil, nil, p.fail(err)
	}
	b, err := p.bucket(ctx, c.Bucket)
	if err != nil {
		return nil, nil, p.fail(err)
	}
	svc.Work, svc.Archive = p.st, blob.Deleter{Bucket: b}
	return svc, p.closers, nil
}

// Support builds support's actions.
func Support(ctx context.Context, c config.Support, log *slog.Logger) (*control.Support, Closers, error) {
	p := &parts{log: log}
	st, err := p.store(ctx, c.Project)
	if err != nil {
		return nil, nil, p.fail(err)
	}
	return &control.Support{Store: st, Staff: c.Staff}, p.closers, nil
}

// dataPlane builds the pipeline, with the control plane it consults for
// R3c on the same parts.
func (p *parts) dataPlane(ctx context.Context, c config.Common, ws config.Workspace, tasks config.Tasks, mail config.Mail, bucket, topic string) (*pipeline.Pipeline, error) {
	svc, err := p.controlPlane(ctx, c, ws, tasks, mail)
	if err != nil {
		return nil, err
	}
	pl := &pipeline.Pipeline{Store: p.st, Directory: p.dir, Requesters: svc, Log: p.log, Budget: 25 * time.Minute}
	if svc.Tasks != nil {
		pl.Tasks = svc.Tasks
	}
	if p.mail != nil {
		pl.Mail = p.mail
	}
	b, err := p.bucket(ctx, bucket)
	if err != nil {
		return nil, err
	}
	pl.Bucket, pl.Archive = b, blob.Deleter{Bucket: b}
	if pl.Events, err = p.events(ctx, c.Project, topic); err != nil {
		return nil, err
	}
	pl.Connectors = Connectors(p.ws, p.log)
	return pl, nil
}

// BeginExport builds the post-hold start.
func BeginExport(ctx context.Context, c config.BeginExport, log *slog.Logger) (*pipeline.Pipeline, Closers, error) {
	p := &parts{log: log}
	pl, err := p.dataPlane(ctx, c.Common, c.Workspace, c.Tasks, c.Mail, c.Bucket, c.Topic)
	if err != nil {
		return nil, nil, p.fail(err)
	}
	pl.Budget = 8 * time.Minute // below the control queue's 10-minute dispatch deadline
	return pl, p.closers, nil
}

// ExportAccount builds the per-account export.
func ExportAccount(ctx context.Context, c config.ExportAccount, log *slog.Logger) (*pipeline.Pipeline, Closers, error) {
	p := &parts{log: log}
	pl, err := p.dataPlane(ctx, c.Common, c.Workspace, c.Tasks, config.Mail{}, c.Bucket, c.Topic)
	if err != nil {
		return nil, nil, p.fail(err)
	}
	pl.PartSize, pl.Budget, pl.ZipWorkers = c.PartSize, c.TimeBudget, c.ZipWorkers
	return pl, p.closers, nil
}

// reportChunk is AssembleReport's upload chunk size: it writes report.html
// and report.json at once, each buffering a chunk, and its objects are tens
// of megabytes at most (52 MiB in all for 10,000 accounts), so 2 MiB chunks
// cost a few more requests and keep 12 MiB of its memory free (issue 21:
// 100 MiB for an assembly of 10,000 accounts).
const reportChunk = 2 << 20

// AssembleReport builds report assembly.
func AssembleReport(ctx context.Context, c config.AssembleReport, log *slog.Logger) (*pipeline.Pipeline, Closers, error) {
	p := &parts{log: log, chunk: reportChunk}
	pl, err := p.dataPlane(ctx, c.Common, c.Workspace, config.Tasks{}, c.Mail, c.Bucket, config.DefaultEventsTopic)
	if err != nil {
		return nil, nil, p.fail(err)
	}
	return pl, p.closers, nil
}
