package report

import (
	"fmt"
	"io"
	"iter"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
)

// The scale of issue 6: 10,000 accounts and 100,000 failed items, written
// in at most 10 s and 200 MiB.
const (
	scaleAccounts   = 10_000
	scaleWithErrors = 1_000 // each with 100 failed items
	scaleFailures   = 100_000
	maxDuration     = 10 * time.Second
	maxMemory       = 200 << 20
)

// scaleInput generates the accounts and failed items on the fly, as the data
// plane reads them from Firestore and the bucket.
func scaleInput() Input {
	perAccount := scaleFailures / scaleWithErrors
	return Input{
		Export: Export{CustomerID: "C0big", Domain: "big.example", ExportID: "exp-big",
			RequestedBy: "root@big.example", State: export.CompletedWithErrors,
			RequestedAt: at("2026-11-01T09:00:00Z")},
		Accounts: func(yield func(Account, error) bool) {
			for i := range scaleAccounts {
				id := fmt.Sprintf("user%05d@big.example", (i*7919)%scaleAccounts)
				a := Account{Type: export.User, ID: id,
					Parts:    []string{"users/" + id + "/" + id + "-001.zip", "users/" + id + "/" + id + "-002.zip"},
					Products: []ProductCount{{export.Gmail, 2000, 0, false}, {export.Drive, 500, 0, false}, {export.Calendar, 100, 0, false}}}
				if i < scaleWithErrors {
					a.Products[1].Failed = int64(perAccount)
					a.Failures = generatedFailures(id, perAccount)
				}
				if !yield(a, nil) {
					return
				}
			}
		},
	}
}

func generatedFailures(id string, n int) iter.Seq2[connector.Failure, error] {
	return func(yield func(connector.Failure, error) bool) {
		for j := range n {
			f := connector.Failure{Product: export.Drive, ItemID: fmt.Sprintf("1x%s-%06d", id[:9], j),
				Path:   fmt.Sprintf("Drive/Projects/Quarterly report <draft> %06d.gdoc", j),
				Reason: "export size limit exceeded (10 MB) & exportLinks unavailable"}
			if !yield(f, nil) {
				return
			}
		}
	}
}

// peakHeap samples the heap while f runs and returns the highest value seen.
func peakHeap(f func()) uint64 {
	runtime.GC()
	var peak uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse+ms.StackInuse)
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	f()
	close(done)
	wg.Wait()
	return peak
}

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// writeBoth builds the report and writes both files, returning their sizes.
func writeBoth(tb testing.TB) (htmlBytes, jsonBytes int64) {
	r, err := Build(scaleInput())
	if err != nil {
		tb.Fatal(err)
	}
	var h, j countingWriter
	if err := r.WriteHTML(&h); err != nil {
		tb.Fatal(err)
	}
	if err := r.WriteJSON(&j); err != nil {
		tb.Fatal(err)
	}
	return h.n, j.n
}

func TestScale(t *testing.T) {
	if testing.Short() {
		t.Skip("scale test skipped in -short mode")
	}
	var htmlBytes, jsonBytes int64
	start := time.Now()
	peak := peakHeap(func() { htmlBytes, jsonBytes = writeBoth(t) })
	took := time.Since(start)
	t.Logf("%d accounts, %d failed items: %v, peak heap %.1f MiB, report.html %.1f MiB, report.json %.1f MiB",
		scaleAccounts, scaleFailures, took.Round(time.Millisecond), float64(peak)/(1<<20),
		float64(htmlBytes)/(1<<20), float64(jsonBytes)/(1<<20))
	if took > maxDuration {
		t.Errorf("took %v, limit %v", took, maxDuration)
	}
	if peak > maxMemory {
		t.Errorf("peak heap %d MiB, limit %d MiB", peak>>20, maxMemory>>20)
	}
}

func BenchmarkScale(b *testing.B) {
	var peak uint64
	for b.Loop() {
		peak = max(peak, peakHeap(func() { writeBoth(b) }))
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
}

var _ io.Writer = (*countingWriter)(nil)
