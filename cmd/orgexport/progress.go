package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/orgexport/orgexport/shared/manifest"
)

// progress shows a download's progress: a bar redrawn in place on a
// terminal, plain lines otherwise (one per object and a summary every
// interval).
type progress struct {
	out      io.Writer
	terminal bool
	now      func() time.Time
	interval time.Duration

	objects, doneObjects atomic.Int64
	total, doneBytes     atomic.Int64 // bytes of the objects, and of those done or resumed
	moved                atomic.Int64 // bytes read from the network in this run

	mu      sync.Mutex
	began   time.Time
	last    time.Time
	stopped bool
}

func newProgress(e *env) *progress {
	return &progress{out: e.stderr, terminal: e.terminal, now: time.Now, interval: 10 * time.Second}
}

func (p *progress) start(objects int, bytes int64) {
	p.objects.Store(int64(objects))
	p.total.Store(bytes)
	p.mu.Lock()
	p.began, p.last = p.now(), p.now()
	p.mu.Unlock()
	p.draw(false)
}

// resumed counts bytes already in a partial file.
func (p *progress) resumed(n int64) { p.doneBytes.Add(n) }

// add counts bytes read.
func (p *progress) add(n int64) {
	p.doneBytes.Add(n)
	p.moved.Add(n)
	p.draw(false)
}

// unadd takes back the bytes of a copy that is thrown away.
func (p *progress) unadd(n int64) { p.doneBytes.Add(-n) }

func (p *progress) done(o manifest.Entry, res outcome, err error) {
	p.doneObjects.Add(1)
	if res == skipped {
		p.doneBytes.Add(o.Size)
	}
	switch {
	case err != nil:
		p.note(fmt.Sprintf("%s: %v", o.Name, err))
	case !p.terminal && res == copied:
		p.note(fmt.Sprintf("copied %s (%s)", o.Name, human(o.Size)))
	case !p.terminal && res == skipped:
		p.note(fmt.Sprintf("already complete %s", o.Name))
	}
	p.draw(false)
}

// note prints a line above the bar.
func (p *progress) note(line string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.terminal {
		fmt.Fprintf(p.out, "\r\033[K%s\n", line)
		p.drawLocked()
		return
	}
	fmt.Fprintln(p.out, line)
}

func (p *progress) finish() {
	p.draw(true)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.terminal && !p.stopped {
		fmt.Fprintln(p.out)
	}
	p.stopped = true
}

// draw redraws the bar at most 10 times a second on a terminal, and prints
// a summary line every interval otherwise.
func (p *progress) draw(force bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	every := p.interval
	if p.terminal {
		every = 100 * time.Millisecond
	}
	if p.stopped || (!force && now.Sub(p.last) < every) {
		return
	}
	p.last = now
	if p.terminal {
		p.drawLocked()
		return
	}
	fmt.Fprintln(p.out, p.line(now))
}

func (p *progress) drawLocked() {
	const width = 24
	total := max(p.total.Load(), 1)
	filled := int(min(p.doneBytes.Load()*width/total, width))
	fmt.Fprintf(p.out, "\r\033[K[%s%s] %s", strings.Repeat("#", filled), strings.Repeat(".", width-filled), p.line(p.now()))
}

// line is "12/40 objects, 1.2 GB/3.4 GB, 45 MB/s, 0:32 left".
func (p *progress) line(now time.Time) string {
	el := now.Sub(p.began).Seconds()
	moved, done, total := p.moved.Load(), p.doneBytes.Load(), p.total.Load()
	s := fmt.Sprintf("%d/%d objects, %s/%s", p.doneObjects.Load(), p.objects.Load(), human(done), human(total))
	if el < 0.5 || moved == 0 {
		return s
	}
	rate := float64(moved) / el
	left := time.Duration(float64(max(total-done, 0))/rate) * time.Second
	return fmt.Sprintf("%s, %s/s, %s left", s, human(int64(rate)), clock(left))
}

func human(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	f, i := float64(n), 0
	for f >= unit && i < 4 {
		f /= unit
		i++
	}
	return fmt.Sprintf("%.1f %cB", f, "kMGTP"[i-1])
}

func clock(d time.Duration) string {
	d = d.Round(time.Second)
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	if h > 0 {
		return fmt.Sprintf("%d:%02d:%02d", h, m, s)
	}
	return fmt.Sprintf("%d:%02d", m, s)
}
