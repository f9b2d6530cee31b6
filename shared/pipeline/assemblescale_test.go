package pipeline_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/assembly"
	"github.com/orgexport/orgexport/emulators/procstat"

	"github.com/orgexport/orgexport/emulators/testenv"
	"github.com/orgexport/orgexport/shared/blob"
	"github.com/orgexport/orgexport/shared/events"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/notify"
	"github.com/orgexport/orgexport/shared/pipeline"
	"github.com/orgexport/orgexport/shared/store"
)

// assemblySink is the archive bucket of the benchmark: the accounts' objects
// and failure files are held in memory as a real bucket holds them, and
// what the assembly writes (report.html, report.json, manifest.json) is
// counted and dropped, so the figures are the assembly's own.
type assemblySink struct {
	*blob.Memory
	written atomic.Int64
}

func (d *assemblySink) NewWriter(ctx context.Context, name, contentType string) io.WriteCloser {
	return &counted{n: &d.written}
}

func (d *assemblySink) NewWriterIf(ctx context.Context, name, contentType string, _ int64) io.WriteCloser {
	return d.NewWriter(ctx, name, contentType)
}

type counted struct{ n *atomic.Int64 }

func (c *counted) Write(p []byte) (int, error) { c.n.Add(int64(len(p))); return len(p), nil }
func (c *counted) Close() error                { return nil }

// BenchmarkAssembleScale runs AssembleReport's work for one export of
// 10,000 accounts and 100,000 failed items against the Firestore emulator,
// from the last account's event to COMPLETED_WITH_ERRORS: the report, report.json
// and manifest.json streamed, the archive stamped. It reports the CPU the
// assembly used (this process's; the emulator's is not AssembleReport's),
// its peak resident set (VmHWM, reset before the assembly) and the
// bytes written. The bucket is in memory, so the figures leave out Cloud
// Storage's requests (21,000 stamps among them); the assemblemem command
// measures the real function, in its own process, through the Cloud Storage
// client. Seeding takes a minute; run it once:
//
//	go test ./shared/pipeline -run '^$' -bench AssembleScale -benchtime 1x
func BenchmarkAssembleScale(b *testing.B) {
	env := testenv.Get(b)
	ctx := context.Background()
	st, err := store.New(ctx, env.Project)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		eid := fmt.Sprintf("big%d", i)
		shape := assembly.Issue21("c9", "big.example", "root@big.example", eid)
		mem := blob.NewMemory()
		if err := assembly.Seed(ctx, st, mem, shape); err != nil {
			b.Fatal(err)
		}
		bucket := &assemblySink{Memory: mem}
		p := &pipeline.Pipeline{Store: st, Bucket: bucket, Requesters: stillAdmin{},
			Mail: &notify.Outbox{Mailer: &mailCount{}, Store: st}, Log: slog.New(slog.DiscardHandler)}
		runtime.GC()
		if err := procstat.ResetPeak(procstat.Self()); err != nil {
			b.Logf("peak RSS not reset (%v): the figure is the process's whole peak", err)
		}
		base := stat(b, procstat.RSS)
		cpu0 := stat(b, procstat.CPU)
		t0 := time.Now()
		b.StartTimer()
		if err := p.Assemble(ctx, events.Event{Type: events.AccountFinished, CustomerID: "c9", ExportID: eid}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		wall, cpu, rss := time.Since(t0), stat(b, procstat.CPU)-cpu0, stat(b, procstat.PeakRSS)
		e, err := st.Export(ctx, "c9", eid)
		if err != nil {
			b.Fatal(err)
		}
		if e.State != export.CompletedWithErrors || e.Totals.FailedItems != shape.FailedItems() {
			b.Fatalf("export %s with %d failed items, want COMPLETED_WITH_ERRORS with %d", e.State, e.Totals.FailedItems, shape.FailedItems())
		}
		b.ReportMetric(cpu.Seconds(), "cpu-s")
		b.ReportMetric(float64(rss)/(1<<20), "peak-RSS-MiB")
		b.ReportMetric(float64(rss-base)/(1<<20), "assembly-RSS-MiB")
		b.ReportMetric(float64(bucket.written.Load())/(1<<20), "written-MiB")
		b.Logf("%d accounts, %d failed items: wall %v, CPU %v, peak RSS %.1f MiB (%.1f MiB before: the test, its client and the seeded bucket), %.1f MiB written",
			shape.Accounts, shape.FailedItems(), wall.Round(time.Millisecond), cpu.Round(time.Millisecond),
			float64(rss)/(1<<20), float64(base)/(1<<20), float64(bucket.written.Load())/(1<<20))
		b.StartTimer()
	}
}

// stat reads one figure of this process.
func stat[T any](b *testing.B, read func(pid int) (T, error)) T {
	v, err := read(procstat.Self())
	if err != nil {
		b.Fatal(err)
	}
	return v
}
