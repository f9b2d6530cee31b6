package duplicate

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// Mode says whether and how each delivery is duplicated. The zero value is
// Off.
type Mode int32

const (
	// Off delivers once.
	Off Mode = iota
	// Concurrent sends the duplicate at the same time as the original.
	Concurrent
	// After sends the duplicate once the original has answered.
	After
	// Alternating takes turns, delivery by delivery: concurrent, then
	// after, then concurrent…
	Alternating
)

var names = [...]string{Off: "off", Concurrent: "concurrent", After: "after", Alternating: "alternating"}

// String is the mode's name, as ParseMode reads it.
func (m Mode) String() string {
	if m < 0 || int(m) >= len(names) {
		return fmt.Sprintf("Mode(%d)", int32(m))
	}
	return names[m]
}

// ParseMode reads "off", "concurrent", "after" or "alternating"; the empty
// string is Off.
func ParseMode(s string) (Mode, error) {
	if s == "" {
		return Off, nil
	}
	for m, n := range names {
		if n == s {
			return Mode(m), nil
		}
	}
	return Off, fmt.Errorf("duplicate mode %q: want off, concurrent, after or alternating", s)
}

// MarshalText implements encoding.TextMarshaler.
func (m Mode) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (m *Mode) UnmarshalText(b []byte) error {
	v, err := ParseMode(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// Deliveries decides, delivery by delivery, whether a duplicate is sent and
// when. The zero value delivers once. It is safe for concurrent use, and
// its mode may change while deliveries run.
type Deliveries struct {
	mode atomic.Int32
	n    atomic.Uint64 // deliveries seen in Alternating mode
}

// Set changes the mode of the deliveries that start from now on.
func (d *Deliveries) Set(m Mode) { d.mode.Store(int32(m)) }

// Mode is the current mode.
func (d *Deliveries) Mode() Mode { return Mode(d.mode.Load()) }

// next is how the next delivery goes: Off, Concurrent or After.
func (d *Deliveries) next() Mode {
	m := d.Mode()
	if m == Alternating {
		if d.n.Add(1)%2 == 1 {
			return Concurrent
		}
		return After
	}
	return m
}

// Do runs deliver(false) for the original and, as the mode says,
// deliver(true) for its duplicate: on another goroutine at the same time,
// or once deliver(false) has returned. deliver(false) is where the caller
// acts on the answer; deliver(true) should only send and log. Do returns
// once both have returned.
func (d *Deliveries) Do(deliver func(duplicate bool)) {
	switch d.next() {
	case Concurrent:
		var wg sync.WaitGroup
		wg.Go(func() { deliver(true) })
		deliver(false)
		wg.Wait()
	case After:
		deliver(false)
		deliver(true)
	default:
		deliver(false)
	}
}
