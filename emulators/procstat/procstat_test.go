package procstat_test

import (
	"runtime"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/procstat"
)

var sink []byte

// Touching 64 MiB raises the peak resident set by about as much, and a
// reset brings it back to the resident set of the moment.
func TestPeakFollowsMemoryTouched(t *testing.T) {
	pid := procstat.Self()
	if err := procstat.ResetPeak(pid); err != nil {
		t.Skipf("clear_refs not writable here: %v", err)
	}
	before, err := procstat.PeakRSS(pid)
	if err != nil {
		t.Fatal(err)
	}
	sink = make([]byte, 64<<20)
	for i := range sink {
		if i%4096 == 0 {
			sink[i] = 1
		}
	}
	peak, err := procstat.PeakRSS(pid)
	if err != nil {
		t.Fatal(err)
	}
	if grew := peak - before; grew < 60<<20 {
		t.Errorf("peak grew by %d MiB after touching 64 MiB", grew>>20)
	}
	sink = nil
	runtime.GC()
	if err := procstat.ResetPeak(pid); err != nil {
		t.Fatal(err)
	}
	rss, err := procstat.RSS(pid)
	if err != nil {
		t.Fatal(err)
	}
	after, err := procstat.PeakRSS(pid)
	if err != nil {
		t.Fatal(err)
	}
	if after > rss+8<<20 {
		t.Errorf("peak %d MiB after a reset, resident set %d MiB", after>>20, rss>>20)
	}
}

func TestCPUCountsWork(t *testing.T) {
	pid := procstat.Self()
	c0, err := procstat.CPU(pid)
	if err != nil {
		t.Fatal(err)
	}
	for end := time.Now().Add(300 * time.Millisecond); time.Now().Before(end); {
	}
	c1, err := procstat.CPU(pid)
	if err != nil {
		t.Fatal(err)
	}
	if d := c1 - c0; d < 100*time.Millisecond {
		t.Errorf("CPU grew by %v over 300 ms of spinning", d)
	}
}

func TestMissingProcessIsAnError(t *testing.T) {
	if _, err := procstat.PeakRSS(1 << 30); err == nil {
		t.Error("no error for a pid that cannot exist")
	}
}
