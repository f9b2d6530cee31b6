package pipeline

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/orgexport/orgexport/shared/blob"
	"github.com/orgexport/orgexport/shared/export"
)

// lease is a worker's hold on the part it claimed: renewed at checkpoints
// and on a timer (so a long item does not let it lapse), each renewal
// checked against the fencing token. When a renewal finds the lease taken
// over, the worker's context is cancelled: it writes nothing more.
type lease struct {
	p      *Pipeline
	cid    string
	eid    string
	key    string
	token  int
	ctx    context.Context
	cancel context.CancelCauseFunc
	done   chan struct{}

	mu       sync.Mutex
	last     time.Time
	stopOnce sync.Once
	// renewing is held while a renewal's transaction runs: stop waits for
	// it, so no transaction is abandoned half-way (Firestore would keep the
	// account's lock until it timed out, and the record of the part would
	// wait on it).
	renewing sync.Mutex
	stopped  bool
}

// lease starts the lease a claimed at start.
func (p *Pipeline) lease(ctx context.Context, e *export.Export, a *export.Account, start time.Time) *lease {
	lctx, cancel := context.WithCancelCause(ctx)
	l := &lease{p: p, cid: e.CustomerID, eid: e.ID, key: a.Key, token: a.Attempts, ctx: lctx, cancel: cancel,
		done: make(chan struct{}), last: start}
	go l.keep()
	return l
}

// keep renews the lease every export.RenewEvery of real time until stop.
func (l *lease) keep() {
	t := time.NewTicker(export.RenewEvery)
	defer t.Stop()
	for {
		select {
		case <-l.done:
			return
		case <-l.ctx.Done():
			return
		case <-t.C:
			l.renew()
		}
	}
}

// renewIfDue renews when export.RenewEvery has passed on the pipeline's
// clock since the last renewal.
func (l *lease) renewIfDue() {
	l.mu.Lock()
	due := l.p.now().Sub(l.last) >= export.RenewEvery
	l.mu.Unlock()
	if due {
		l.renew()
	}
}

func (l *lease) renew() {
	l.renewing.Lock()
	defer l.renewing.Unlock()
	if l.stopped || l.ctx.Err() != nil {
		return
	}
	now := l.p.now()
	l.mu.Lock()
	l.last = now
	l.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(l.ctx), 30*time.Second)
	defer cancel()
	_, err := l.p.Store.UpdateAccount(ctx, l.cid, l.eid, l.key, func(a *export.Account) error { return a.Renew(l.token, now) })
	switch {
	case errors.Is(err, export.ErrLeaseLost):
		l.cancel(export.ErrLeaseLost)
	case err != nil && l.ctx.Err() == nil:
		// A renewal that did not go through is tried again at the next
		// one; the lease lasts several renewals.
		l.p.Log.WarnContext(l.ctx, "lease not renewed", "export", l.eid, "account", l.key, "error", err)
	}
}

// lost reports whether the lease was taken over.
func (l *lease) lost() bool { return errors.Is(context.Cause(l.ctx), export.ErrLeaseLost) }

// release gives the lease back after a failed attempt, so the task's next
// delivery claims the part at once instead of waiting for it to lapse.
func (l *lease) release() {
	ctx := context.WithoutCancel(l.ctx)
	_, err := l.p.Store.UpdateAccount(ctx, l.cid, l.eid, l.key, func(a *export.Account) error { return a.Release(l.token) })
	if err != nil && !errors.Is(err, export.ErrLeaseLost) {
		l.p.Log.WarnContext(ctx, "lease not released; it lapses by itself", "export", l.eid, "account", l.key, "error", err)
	}
}

// stop ends the renewals; the lease then lasts until the part is recorded
// (which clears it) or lapses.
func (l *lease) stop() {
	l.stopOnce.Do(func() {
		close(l.done)
		l.renewing.Lock() // let a renewal under way finish
		l.stopped = true
		l.renewing.Unlock()
		l.cancel(nil)
	})
}

// generation is the object's generation now, 0 when there is none.
func (p *Pipeline) generation(ctx context.Context, name string) (int64, error) {
	a, err := p.Bucket.Attrs(ctx, name)
	if errors.Is(err, blob.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read the state of %s: %w", name, err)
	}
	return a.Generation, nil
}
