package wire

import (
	"context"
	"log/slog"
	"time"

	"github.com/orgexport/orgexport/shared/config"
	"github.com/orgexport/orgexport/shared/control"
	"github.com/orgexport/orgexport/shared/pipeline"
)

// controlPlane builds the control plane from its parts.
func (p *parts) controlPlane(ctx context.Context, project string, ws config.Workspace, tasks config.Tasks, mail config.Mail) (*control.Service, error) {
	st, err := p.store(ctx, project)
	if err != nil {
		return nil, err
	}
	f, err := p.workspace(ctx, ws)
	if err != nil {
		return nil, err
	}
	svc := &control.Service{Store: st, Directory: &Directory{Clients: f}, Log: p.log}
	if mail.Host != "" {
		m, err := p.mailer(mail)
		if err != nil {
			return nil, err
		}
		svc.Mail = m
	}
	if tasks.Location != "" {
		q, err := p.queue(ctx, project, tasks)
		if err != nil {
			return nil, err
		}
		svc.Tasks = q
		svc.ControlQueue, svc.BeginURL = tasks.ControlQueue, tasks.BeginURL
		svc.AccountQueue, svc.AccountURL = tasks.AccountsQueue, tasks.AccountURL
	}
	return svc, nil
}

// StartExport builds the admins' API's control plane.
func StartExport(ctx context.Context, c config.StartExport, log *slog.Logger) (*control.Service, Closers, error) {
	p := &parts{log: log}
	svc, err := p.controlPlane(ctx, c.Project, c.Workspace, c.Tasks, c.Mail)
	if err != nil {
		return nil, nil, p.fail(err)
	}
	svc.Hold = c.Hold
	return svc, p.closers, nil
}

// Housekeeping builds the control plane for the hourly run.
func Housekeeping(ctx context.Context, c config.Housekeeping, log *slog.Logger) (*control.Service, Closers, error) {
	p := &parts{log: log}
	svc, err := p.controlPlane(ctx, c.Project, c.Workspace, c.Tasks, c.Mail)
	if err != nil {
		return nil, nil, p.fail(err)
	}
	ev, err := p.events(ctx, c.Project, c.Topic)
	if err != nil {
		return nil, nil, p.fail(err)
	}
	b, err := p.bucket(ctx, c.Bucket)
	if err != nil {
		return nil, nil, p.fail(err)
	}
	svc.Events, svc.Archive = ev, Deleter{Bucket: b}
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

// dataPlane builds the pipeline with the control plane it consults for R3c.
func (p *parts) dataPlane(ctx context.Context, project string, ws config.Workspace, tasks config.Tasks, mail config.Mail, bucket, topic string) (*pipeline.Pipeline, error) {
	svc, err := p.controlPlane(ctx, project, ws, tasks, mail)
	if err != nil {
		return nil, err
	}
	b, err := p.bucket(ctx, bucket)
	if err != nil {
		return nil, err
	}
	ev, err := p.events(ctx, project, topic)
	if err != nil {
		return nil, err
	}
	f, err := p.workspace(ctx, ws)
	if err != nil {
		return nil, err
	}
	pl := &pipeline.Pipeline{
		Store: svc.Store.(pipeline.Store), Bucket: b, Directory: svc.Directory.(*Directory), Tasks: svc.Tasks,
		Events: ev, Requesters: svc, Connectors: Connectors(f, p.log), Log: p.log,
		ControlQueue: svc.ControlQueue, BeginURL: svc.BeginURL, AccountQueue: svc.AccountQueue, AccountURL: svc.AccountURL,
		Budget: 25 * time.Minute,
	}
	if m, ok := svc.Mail.(*Mailer); ok {
		pl.Completion = m
	}
	return pl, nil
}

// BeginExport builds the post-hold start.
func BeginExport(ctx context.Context, c config.BeginExport, log *slog.Logger) (*pipeline.Pipeline, Closers, error) {
	p := &parts{log: log}
	pl, err := p.dataPlane(ctx, c.Project, c.Workspace, c.Tasks, c.Mail, c.Bucket, c.Topic)
	if err != nil {
		return nil, nil, p.fail(err)
	}
	pl.Budget = 8 * time.Minute // below the control queue's 10-minute dispatch deadline
	return pl, p.closers, nil
}

// ExportAccount builds the per-account export.
func ExportAccount(ctx context.Context, c config.ExportAccount, log *slog.Logger) (*pipeline.Pipeline, Closers, error) {
	p := &parts{log: log}
	pl, err := p.dataPlane(ctx, c.Project, c.Workspace, c.Tasks, config.Mail{}, c.Bucket, c.Topic)
	if err != nil {
		return nil, nil, p.fail(err)
	}
	pl.PartSize, pl.Budget = c.PartSize, c.TimeBudget
	return pl, p.closers, nil
}

// AssembleReport builds report assembly.
func AssembleReport(ctx context.Context, c config.AssembleReport, log *slog.Logger) (*pipeline.Pipeline, Closers, error) {
	p := &parts{log: log}
	pl, err := p.dataPlane(ctx, c.Project, c.Workspace, config.Tasks{}, c.Mail, c.Bucket, config.DefaultEventsTopic)
	if err != nil {
		return nil, nil, p.fail(err)
	}
	return pl, p.closers, nil
}
