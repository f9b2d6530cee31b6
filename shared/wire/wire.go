package wire

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/orgexport/orgexport/shared/blob"
	"github.com/orgexport/orgexport/shared/config"
	"github.com/orgexport/orgexport/shared/connector/calendar"
	"github.com/orgexport/orgexport/shared/connector/chat"
	"github.com/orgexport/orgexport/shared/connector/classroom"
	"github.com/orgexport/orgexport/shared/connector/contacts"
	"github.com/orgexport/orgexport/shared/connector/drive"
	"github.com/orgexport/orgexport/shared/connector/gmail"
	"github.com/orgexport/orgexport/shared/connector/googletasks"
	"github.com/orgexport/orgexport/shared/connector/groups"
	"github.com/orgexport/orgexport/shared/connector/keep"
	"github.com/orgexport/orgexport/shared/connector/vault"
	"github.com/orgexport/orgexport/shared/control"
	"github.com/orgexport/orgexport/shared/delegation"
	"github.com/orgexport/orgexport/shared/directory"
	"github.com/orgexport/orgexport/shared/events"
	"github.com/orgexport/orgexport/shared/notify"
	"github.com/orgexport/orgexport/shared/pipeline"
	"github.com/orgexport/orgexport/shared/quota"
	"github.com/orgexport/orgexport/shared/store"
	"github.com/orgexport/orgexport/shared/taskqueue"
)

// Closers release what a builder opened, in reverse order.
type Closers []func() error

// Close runs every closer and joins their errors.
func (c Closers) Close() error {
	var errs []error
	for i := len(c) - 1; i >= 0; i-- {
		errs = append(errs, c[i]())
	}
	return errors.Join(errs...)
}

// parts holds what the builders open, so each is opened once and closed
// by the Closers the builder returns.
type parts struct {
	closers Closers
	log     *slog.Logger
	st      *store.Store
	ws      *delegation.Factory
	dir     *directory.Directory
	mail    *notify.Outbox
	bkt     *blob.GCS
	pub     *events.Publisher
	// chunk is the bucket's upload chunk size; 0: blob.DefaultChunkSize.
	chunk int
}

func (p *parts) store(ctx context.Context, project string) (*store.Store, error) {
	if p.st != nil {
		return p.st, nil
	}
	s, err := store.New(ctx, project)
	if err != nil {
		return nil, err
	}
	p.closers = append(p.closers, s.Close)
	p.st = s
	return s, nil
}

func (p *parts) directory(ctx context.Context, cfg config.Workspace) (*directory.Directory, error) {
	if p.dir != nil {
		return p.dir, nil
	}
	f, err := p.workspace(ctx, cfg)
	if err != nil {
		return nil, err
	}
	p.dir = directory.New(f)
	return p.dir, nil
}

func (p *parts) queue(ctx context.Context, project string, cfg config.Tasks) (*taskqueue.Queue, error) {
	q, err := taskqueue.New(ctx, project, cfg)
	if err != nil {
		return nil, err
	}
	p.closers = append(p.closers, q.Close)
	return q, nil
}

func (p *parts) workspace(ctx context.Context, cfg config.Workspace) (*delegation.Factory, error) {
	if p.ws != nil {
		return p.ws, nil
	}
	// Every account paces its calls to its share of the quotas.
	t := quota.Default
	if cfg.ConcurrentAccounts > 0 {
		t.ConcurrentAccounts = cfg.ConcurrentAccounts
	}
	opts := delegation.Options{Logger: p.log, Quotas: &t}
	f, err := delegation.New(ctx, cfg, opts)
	if err != nil {
		return nil, fmt.Errorf("workspace clients: %w", err)
	}
	p.ws = f
	return f, nil
}

func (p *parts) bucket(ctx context.Context, name string) (*blob.GCS, error) {
	if p.bkt != nil {
		return p.bkt, nil
	}
	b, err := blob.OpenGCS(ctx, name, blob.GCSOptions{ChunkSize: p.chunk})
	if err != nil {
		return nil, err
	}
	p.closers = append(p.closers, b.Close)
	p.bkt = b
	return b, nil
}

func (p *parts) events(ctx context.Context, project, topic string) (*events.Publisher, error) {
	if p.pub != nil {
		return p.pub, nil
	}
	e, err := events.New(ctx, project, topic)
	if err != nil {
		return nil, err
	}
	p.closers = append(p.closers, e.Close)
	p.pub = e
	return e, nil
}

// outbox sends the emails queued in the records of the store st.
func (p *parts) outbox(cfg config.Mail, st *store.Store) (*notify.Outbox, error) {
	if p.mail != nil {
		return p.mail, nil
	}
	s, err := notify.NewSender(cfg, notify.Options{Logger: p.log})
	if err != nil {
		return nil, fmt.Errorf("mail: %w", err)
	}
	p.mail = &notify.Outbox{Mailer: &notify.Mailer{Sender: s}, Store: st}
	return p.mail, nil
}

// Connectors are the product connectors this version exports with.
func Connectors(f *delegation.Factory, log *slog.Logger) []pipeline.Connector {
	return []pipeline.Connector{
		gmail.New(f, gmail.Options{Workers: quota.Default.Workers(quota.Gmail)}),
		drive.New(f, drive.Options{}),
		calendar.New(f, calendar.Options{}),
		contacts.New(f, contacts.Options{}),
		groups.New(f),
		googletasks.New(f, googletasks.Options{}),
		keep.New(f, keep.Options{}),
		chat.New(f, chat.Options{}),
		classroom.New(f),
		vault.New(f, vault.Options{}),
	}
}

// fail closes what was opened and returns err.
func (p *parts) fail(err error) error {
	_ = p.closers.Close()
	return err
}

// The adapters fit the ports they are wired to.
var (
	_ control.Directory  = (*directory.Directory)(nil)
	_ pipeline.Directory = (*directory.Directory)(nil)
	_ control.Outbox     = (*notify.Outbox)(nil)
	_ pipeline.Outbox    = (*notify.Outbox)(nil)
	_ control.Store      = (*store.Store)(nil)
	_ control.Work       = (*store.Store)(nil)
	_ pipeline.Store     = (*store.Store)(nil)
	_ control.Enqueuer   = (*taskqueue.Queue)(nil)
	_ pipeline.Enqueuer  = (*taskqueue.Queue)(nil)
	_ control.Archive    = blob.Deleter{}
	_ pipeline.Bucket    = (*blob.GCS)(nil)
)
