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
	"github.com/orgexport/orgexport/shared/events"
	"github.com/orgexport/orgexport/shared/notify"
	"github.com/orgexport/orgexport/shared/pipeline"
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

// parts holds what the builders open, so each is opened once.
type parts struct {
	closers Closers
	log     *slog.Logger
	ws      *delegation.Factory
}

func (p *parts) store(ctx context.Context, project string) (*store.Store, error) {
	s, err := store.New(ctx, project)
	if err != nil {
		return nil, err
	}
	p.closers = append(p.closers, s.Close)
	return s, nil
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
	f, err := delegation.New(ctx, cfg, delegation.Options{Logger: p.log})
	if err != nil {
		return nil, fmt.Errorf("workspace clients: %w", err)
	}
	p.ws = f
	return f, nil
}

func (p *parts) bucket(ctx context.Context, name string) (*blob.GCS, error) {
	b, err := blob.OpenGCS(ctx, name, blob.GCSOptions{})
	if err != nil {
		return nil, err
	}
	p.closers = append(p.closers, b.Close)
	return b, nil
}

func (p *parts) events(ctx context.Context, project, topic string) (*events.Publisher, error) {
	e, err := events.New(ctx, project, topic)
	if err != nil {
		return nil, err
	}
	p.closers = append(p.closers, e.Close)
	return e, nil
}

func (p *parts) mailer(cfg config.Mail) (*Mailer, error) {
	s, err := notify.NewSender(cfg, notify.Options{Logger: p.log})
	if err != nil {
		return nil, fmt.Errorf("mail: %w", err)
	}
	return &Mailer{Sender: s}, nil
}

// Connectors are the product connectors this version exports with.
func Connectors(f *delegation.Factory, log *slog.Logger) []pipeline.Connector {
	return []pipeline.Connector{
		gmail.New(f, gmail.Options{}),
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

// Deleter removes an export's objects (R12) through a bucket.
type Deleter struct{ Bucket blob.Bucket }

var _ control.Archive = Deleter{}

// DeletePrefix deletes every object under prefix and counts them.
func (d Deleter) DeletePrefix(ctx context.Context, prefix string) (int, error) {
	n := 0
	for o, err := range d.Bucket.List(ctx, prefix) {
		if err != nil {
			return n, err
		}
		if err := d.Bucket.Delete(ctx, o.Name); err != nil && !errors.Is(err, blob.ErrNotExist) {
			return n, err
		}
		n++
	}
	return n, nil
}
