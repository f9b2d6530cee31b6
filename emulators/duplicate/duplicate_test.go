package duplicate_test

import (
	"flag"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/duplicate"
)

// how runs one delivery and says how it went: "once", "concurrent" (both
// deliveries were running at the same time) or "after" (the duplicate
// started once the original had returned).
func how(t *testing.T, d *duplicate.Deliveries) string {
	t.Helper()
	var mu sync.Mutex
	var calls []bool
	originalDone := false
	startedAfter := false
	both := make(chan struct{})
	var once sync.Once
	running := 0
	d.Do(func(dup bool) {
		mu.Lock()
		calls = append(calls, dup)
		running++
		if running == 2 {
			once.Do(func() { close(both) })
		}
		if dup && originalDone {
			startedAfter = true
		}
		mu.Unlock()
		select { // give a concurrent duplicate the time to start
		case <-both:
		case <-time.After(200 * time.Millisecond):
		}
		mu.Lock()
		running--
		if !dup {
			originalDone = true
		}
		mu.Unlock()
	})
	select {
	case <-both:
		if len(calls) != 2 {
			t.Fatalf("calls %v", calls)
		}
		return "concurrent"
	default:
	}
	switch {
	case len(calls) == 1 && !calls[0]:
		return "once"
	case len(calls) == 2 && !calls[0] && calls[1] && startedAfter:
		return "after"
	}
	t.Fatalf("calls %v, duplicate after the original: %v", calls, startedAfter)
	return ""
}

func TestModes(t *testing.T) {
	for _, c := range []struct {
		mode duplicate.Mode
		want []string
	}{
		{duplicate.Off, []string{"once", "once"}},
		{duplicate.Concurrent, []string{"concurrent", "concurrent"}},
		{duplicate.After, []string{"after", "after"}},
		{duplicate.Alternating, []string{"concurrent", "after", "concurrent", "after"}},
	} {
		var d duplicate.Deliveries
		d.Set(c.mode)
		for i, w := range c.want {
			if got := how(t, &d); got != w {
				t.Errorf("%s, delivery %d: %s, want %s", c.mode, i+1, got, w)
			}
		}
	}
}

// The zero value delivers once, and a mode set later applies to the next
// delivery.
func TestZeroValueAndSet(t *testing.T) {
	var d duplicate.Deliveries
	if got := how(t, &d); got != "once" {
		t.Errorf("zero value: %s", got)
	}
	d.Set(duplicate.After)
	if got := how(t, &d); got != "after" {
		t.Errorf("after Set(After): %s", got)
	}
}

func TestFlag(t *testing.T) {
	for _, name := range []string{"off", "concurrent", "after", "alternating"} {
		fs := flag.NewFlagSet("x", flag.ContinueOnError)
		var m duplicate.Mode
		fs.TextVar(&m, "duplicate", duplicate.Off, "")
		if err := fs.Parse([]string{"-duplicate", name}); err != nil || m.String() != name {
			t.Errorf("-duplicate %s: %v (%v)", name, m, err)
		}
	}
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var m duplicate.Mode
	fs.TextVar(&m, "duplicate", duplicate.Off, "")
	if err := fs.Parse([]string{"-duplicate", "twice"}); err == nil {
		t.Error("-duplicate twice accepted")
	}
}
