package pipeline_test

import (
	"context"
	"encoding/json"
	"io"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orgexport/orgexport/shared/blob"
	"github.com/orgexport/orgexport/shared/events"
	"github.com/orgexport/orgexport/shared/export"
)

// stampHook runs hook before the first Custom-Time is set.
type stampHook struct {
	*blob.Memory
	hook func()
	done atomic.Bool
}

func (b *stampHook) SetCustomTime(ctx context.Context, name string, t time.Time) error {
	if b.done.CompareAndSwap(false, true) {
		b.hook()
	}
	return b.Memory.SetCustomTime(ctx, name, t)
}

type mailCount struct{ n atomic.Int32 }

func (m *mailCount) Completed(context.Context, *export.Export) error {
	m.n.Add(1)
	return nil
}

// Deliveries that assemble at once (an event and a Housekeeping nudge, say)
// agree: one finish time in the report, the record and every object's
// Custom-Time (R12), and one completion email.
func TestConcurrentAssembliesAgree(t *testing.T) {
	conn := &numbered{n: 5, size: 10 << 10, crashAt: -1}
	p, rec, st, bucket, _ := setup(t, conn, 1<<20)
	run(t, p, rec, conn)
	mail := &mailCount{}
	p.Requesters, p.Completion = stillAdmin{}, mail
	clock := time.Now().UTC().Truncate(time.Second)
	var mu sync.Mutex
	p.Now = func() time.Time { // every delivery sees its own, later time
		mu.Lock()
		defer mu.Unlock()
		clock = clock.Add(time.Second)
		return clock
	}
	// The second delivery runs whole while the first is stamping.
	second := sync.OnceValue(func() error {
		return p.Assemble(context.Background(), events.Event{CustomerID: "c1", ExportID: "e1"})
	})
	p.Bucket = &stampHook{Memory: bucket, hook: func() {
		if err := second(); err != nil {
			t.Error(err)
		}
	}}
	if err := p.Assemble(context.Background(), events.Event{CustomerID: "c1", ExportID: "e1"}); err != nil {
		t.Fatal(err)
	}
	e, err := st.Export(context.Background(), "c1", "e1")
	if err != nil {
		t.Fatal(err)
	}
	if e.State != export.Completed || e.CompletedAt.IsZero() {
		t.Fatalf("export %s, completed %v", e.State, e.CompletedAt)
	}
	r, err := bucket.NewReader(context.Background(), "c1/e1/report.json")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r)
	r.Close()
	var rep struct {
		Export struct {
			FinishedAt time.Time `json:"finished_at"`
		} `json:"export"`
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if !rep.Export.FinishedAt.Equal(e.CompletedAt) {
		t.Errorf("report finished at %v, record completed at %v", rep.Export.FinishedAt, e.CompletedAt)
	}
	for o, err := range bucket.List(context.Background(), "c1/e1/") {
		if err != nil {
			t.Fatal(err)
		}
		if !o.CustomTime.Equal(e.CompletedAt) {
			t.Errorf("%s: Custom-Time %v, want the completion %v", o.Name, o.CustomTime, e.CompletedAt)
		}
	}
	if n := mail.n.Load(); n != 1 {
		t.Errorf("%d completion emails, want 1", n)
	}
}
