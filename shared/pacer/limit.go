package pacer

import (
	"context"
	"net/http"
	"time"
)

// Limit paces a (user, API) pair's calls before they are sent: a token
// bucket of Burst units refilled at Rate units a second, each call taking
// Cost(req) units (1 when Cost is nil). The zero Limit paces nothing.
// Calls wait in the order they asked; a wait watches the context.
type Limit struct {
	Rate  float64
	Burst float64
	Cost  func(*http.Request) float64
}

// bucket is a Limit's state: tokens may go below zero, which is the
// callers' queue (each waits for its own deficit to refill).
type bucket struct {
	tokens float64
	last   time.Time
}

// take reserves req's units and waits until they are refilled.
func (p *Pacer) take(ctx context.Context, req *http.Request) error {
	l := p.limit
	if l.Rate <= 0 {
		return nil
	}
	cost := 1.0
	if l.Cost != nil {
		cost = l.Cost(req)
	}
	burst := max(l.Burst, cost)
	p.mu.Lock()
	now := p.opts.Now()
	if p.bucket.last.IsZero() {
		p.bucket.tokens = burst
	} else if el := now.Sub(p.bucket.last).Seconds(); el > 0 {
		p.bucket.tokens = min(burst, p.bucket.tokens+el*l.Rate)
	}
	p.bucket.last = now
	p.bucket.tokens -= cost
	deficit := -p.bucket.tokens
	p.mu.Unlock()
	if deficit <= 0 {
		return ctx.Err()
	}
	return p.opts.Sleep(ctx, time.Duration(deficit/l.Rate*float64(time.Second)))
}
