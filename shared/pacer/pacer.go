package pacer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options tune a Pacer. The zero value means the defaults.
type Options struct {
	// MinBackoff is the first pause after a retryable failure (default 500ms).
	MinBackoff time.Duration
	// MaxBackoff caps every pause, Retry-After included (default 64s).
	MaxBackoff time.Duration
	// MaxAttempts is how often a call is tried in all (default 8).
	MaxAttempts int
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Sleep pauses for d or until ctx is done (default a timer).
	Sleep func(ctx context.Context, d time.Duration) error
	// Jitter returns a number in [0, 1) (default math/rand).
	Jitter func() float64
	// Logger gets one debug line per retry (default: discard).
	Logger *slog.Logger
	// Limits are the pairs' limits by API, for Set.For (nil: none, only
	// retries); New takes its pair's limit as WithLimit.
	Limits func(api string) Limit
}

func (o Options) withDefaults() Options {
	if o.MinBackoff <= 0 {
		o.MinBackoff = 500 * time.Millisecond
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 64 * time.Second
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 8
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	if o.Jitter == nil {
		o.Jitter = rand.Float64
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Pacer paces the calls of one (user, API) pair. Its zero value is not
// usable; make one with New or Set.For.
type Pacer struct {
	opts Options
	name string

	limit Limit

	mu     sync.Mutex
	until  time.Time // no call starts before this
	bucket bucket
}

// New returns a Pacer named name (for logs), e.g. "alice@example.com gmail".
func New(name string, opts Options) *Pacer {
	return &Pacer{opts: opts.withDefaults(), name: name}
}

// WithLimit makes p pace its calls under l before sending them; it
// returns p.
func (p *Pacer) WithLimit(l Limit) *Pacer {
	p.limit = l
	return p
}

// backoff is the pause before attempt n+1 after n failures: exponential,
// capped, with "equal jitter" (between half and all of the step).
func (p *Pacer) backoff(n int) time.Duration {
	step := p.opts.MinBackoff << min(n-1, 30)
	if step > p.opts.MaxBackoff || step <= 0 {
		step = p.opts.MaxBackoff
	}
	return step/2 + time.Duration(p.opts.Jitter()*float64(step/2))
}

// hold makes every call of the pair wait d from now.
func (p *Pacer) hold(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if t := p.opts.Now().Add(d); t.After(p.until) {
		p.until = t
	}
}

// wait blocks until the pair may call again or ctx is done.
func (p *Pacer) wait(ctx context.Context) error {
	p.mu.Lock()
	d := p.until.Sub(p.opts.Now())
	p.mu.Unlock()
	if d <= 0 {
		return ctx.Err()
	}
	return p.opts.Sleep(ctx, d)
}

// retryAfter reads a Retry-After header (seconds or an HTTP date).
func (p *Pacer) retryAfter(h http.Header) time.Duration {
	v := h.Get("Retry-After")
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return t.Sub(p.opts.Now())
	}
	return 0
}

// Transport returns a RoundTripper that sends through base (nil means
// http.DefaultTransport), paced and retried by p.
func (p *Pacer) Transport(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return &transport{p: p, base: base}
}

type transport struct {
	p    *Pacer
	base http.RoundTripper
}

// errBodyLimit bounds how much of an error body is read to classify it.
const errBodyLimit = 64 << 10

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	p := t.p
	for attempt := 1; ; attempt++ {
		if err := p.wait(ctx); err != nil {
			return nil, err
		}
		if err := p.take(ctx, req); err != nil {
			return nil, err
		}
		r, err := rewind(req, attempt)
		if err != nil {
			return nil, err
		}
		resp, err := t.base.RoundTrip(r)
		last := attempt >= p.opts.MaxAttempts || (req.Body != nil && req.Body != http.NoBody && req.GetBody == nil)
		delay, retry, err := t.judge(ctx, resp, err, attempt, last)
		if !retry {
			return resp, err
		}
		// A 429 or a 403 rate limit refused the call; anything else retried
		// (no answer, a server error, an answer cut off) lost the answer.
		if resp == nil || (resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusForbidden) {
			if err := repeatable(ctx, req); err != nil {
				return nil, err
			}
		}
		p.opts.Logger.DebugContext(ctx, "retrying Workspace API call",
			"pacer", p.name, "attempt", attempt, "delay", delay, "url", req.URL.Path)
		p.hold(delay)
	}
}

// judge decides whether to retry an attempt's outcome and after how long.
// When it does not retry, it returns the response (with its body intact)
// or the error to hand to the caller.
func (t *transport) judge(ctx context.Context, resp *http.Response, err error, attempt int, last bool) (time.Duration, bool, error) {
	p := t.p
	if err != nil {
		if ctx.Err() != nil || last || !transient(err) {
			return 0, false, err
		}
		return p.backoff(attempt), true, nil
	}
	s := resp.StatusCode
	if s < 300 {
		return t.buffer(ctx, resp, attempt, last)
	}
	if s < 400 || (s != http.StatusTooManyRequests && s != http.StatusForbidden && s < 500) {
		return 0, false, nil
	}
	head, rerr := io.ReadAll(io.LimitReader(resp.Body, errBodyLimit))
	if classify(s, parseProblem(head)) != Retry || last || rerr != nil {
		resp.Body = readCloser{io.MultiReader(bytes.NewReader(head), resp.Body), resp.Body}
		return 0, false, nil
	}
	resp.Body.Close()
	delay := p.backoff(attempt)
	if ra := p.retryAfter(resp.Header); ra > delay {
		delay = min(ra, p.opts.MaxBackoff)
	}
	return delay, true, nil
}

// jsonBufferLimit is how much of a JSON answer is read inside the retry
// loop, so that a body cut off in transit is fetched again. Larger bodies,
// and media, are streamed (Drive downloads resume with Range requests).
const jsonBufferLimit = 16 << 20

// buffer reads a successful JSON answer whole, retrying if it breaks off.
func (t *transport) buffer(ctx context.Context, resp *http.Response, attempt int, last bool) (time.Duration, bool, error) {
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") || resp.Body == nil {
		return 0, false, nil
	}
	head, err := io.ReadAll(io.LimitReader(resp.Body, jsonBufferLimit))
	if err != nil {
		resp.Body.Close()
		if ctx.Err() != nil || last {
			return 0, false, fmt.Errorf("reading the answer: %w", err)
		}
		return t.p.backoff(attempt), true, nil
	}
	resp.Body = readCloser{io.MultiReader(bytes.NewReader(head), resp.Body), resp.Body}
	return 0, false, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

// rewind returns the request to send for an attempt: the original first,
// then copies with a fresh body.
func rewind(req *http.Request, attempt int) (*http.Request, error) {
	if attempt == 1 || req.Body == nil || req.Body == http.NoBody {
		return req, nil
	}
	if req.GetBody == nil {
		return nil, errors.New("pacer: cannot resend a request body")
	}
	body, err := req.GetBody()
	if err != nil {
		return nil, err
	}
	r := req.Clone(req.Context())
	r.Body = body
	return r, nil
}

// Set hands out one Pacer per (subject, API) pair.
type Set struct {
	opts Options
	mu   sync.Mutex
	m    map[[2]string]*Pacer
}

// NewSet returns an empty Set whose Pacers use opts.
func NewSet(opts Options) *Set {
	return &Set{opts: opts, m: map[[2]string]*Pacer{}}
}

// For returns the Pacer of the pair, creating it on first use.
func (s *Set) For(subject, api string) *Pacer {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := [2]string{subject, api}
	if p, ok := s.m[k]; ok {
		return p
	}
	p := New(subject+" "+api, s.opts)
	if s.opts.Limits != nil {
		p.limit = s.opts.Limits(api)
	}
	s.m[k] = p
	return p
}
