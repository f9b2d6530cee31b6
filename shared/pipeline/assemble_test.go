package pipeline_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orgexport/orgexport/shared/blob"
	"github.com/orgexport/orgexport/shared/events"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/notify"
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

func (m *mailCount) Deliver(context.Context, *export.Export, export.Mail) error {
	m.n.Add(1)
	return nil
}

// Deliveries that arrive at once (an event and a Housekeeping nudge, say)
// assemble once: the second is told to come back while the first holds the
// assembly, so nothing is rewritten after it was stamped; one finish time
// in the report, the record and every object's Custom-Time (R12), and one
// completion email.
func TestConcurrentAssembliesAgree(t *testing.T) {
	conn := &numbered{n: 5, size: 10 << 10, crashAt: -1}
	p, rec, st, bucket, _ := setup(t, conn, 1<<20)
	run(t, p, rec, conn)
	mail := &mailCount{}
	p.Requesters, p.Mail = stillAdmin{}, &notify.Outbox{Mailer: mail, Store: st}
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
	// It finds the first holding the assembly and is told to come back
	// later (503): it cannot rewrite what the first has stamped.
	p.Bucket = &stampHook{Memory: bucket, hook: func() {
		if err := second(); !errors.Is(err, export.ErrBusy) {
			t.Errorf("a delivery during another's assembly: %v, want ErrBusy", err)
		}
	}}
	if err := p.Assemble(context.Background(), events.Event{CustomerID: "c1", ExportID: "e1"}); err != nil {
		t.Fatal(err)
	}
	// Delivered again later, it finds the export complete.
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
	if e.Totals.Bytes < 5*10<<10 {
		t.Errorf("the totals say %d bytes; the account wrote at least %d", e.Totals.Bytes, 5*10<<10)
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

// downMail is a mail server that refuses until it is up.
type downMail struct {
	up   atomic.Bool
	sent []export.Mail
	mu   sync.Mutex
}

func (d *downMail) Deliver(_ context.Context, _ *export.Export, m export.Mail) error {
	if !d.up.Load() {
		return errors.New("dial tcp 127.0.0.1:25: connect: connection refused")
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.sent = append(d.sent, m)
	return nil
}

// R11's email survives a mail server that is down at completion: the
// export completes, the email stays queued in its record, and the outbox's
// next flush (Housekeeping's) sends it, once, redeliveries included.
func TestCompletionEmailSurvivesMailServerDown(t *testing.T) {
	conn := &numbered{n: 3, size: 1 << 10, crashAt: -1}
	p, rec, st, _, _ := setup(t, conn, 1<<20)
	run(t, p, rec, conn)
	smtp := &downMail{}
	out := &notify.Outbox{Mailer: smtp, Store: st}
	p.Requesters, p.Mail = stillAdmin{}, out
	ctx := context.Background()
	for range 2 { // the event, and a redelivery of it
		if err := p.Assemble(ctx, events.Event{CustomerID: "c1", ExportID: "e1"}); err != nil {
			t.Fatal(err)
		}
	}
	e, _ := st.Export(ctx, "c1", "e1")
	if e.State != export.Completed || !e.MailPending || len(e.Unsent()) != 1 || e.Outbox[0].LastError == "" {
		t.Fatalf("export %s with outbox %+v: want COMPLETED with the completion email queued and its error kept", e.State, e.Outbox)
	}
	smtp.up.Store(true)
	for range 2 {
		pending, err := st.ExportsWithMail(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range pending {
			if err := out.Flush(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(smtp.sent) != 1 || smtp.sent[0].Kind != export.MailCompleted || smtp.sent[0].MessageID != "completed.e1" || smtp.sent[0].To[0] != "admin@example.com" {
		t.Fatalf("sent %+v; want the one completion email to the requester", smtp.sent)
	}
	if e, _ := st.Export(ctx, "c1", "e1"); e.MailPending {
		t.Errorf("the export still has mail pending: %+v", e.Outbox)
	}
}

// failingStamps is a bucket that cannot stamp objects until told it can.
type failingStamps struct {
	*blob.Memory
	fail atomic.Bool
}

func (b *failingStamps) SetCustomTime(ctx context.Context, name string, t time.Time) error {
	if b.fail.Load() {
		return errors.New("503 backendError")
	}
	return b.Memory.SetCustomTime(ctx, name, t)
}

// An assembly that fails gives its lease back: the next delivery assembles
// at once, instead of being told for 10 minutes that another is at work.
func TestFailedAssemblyIsRetriedAtOnce(t *testing.T) {
	conn := &numbered{n: 3, size: 1 << 10, crashAt: -1}
	p, rec, st, bucket, _ := setup(t, conn, 1<<20)
	run(t, p, rec, conn)
	p.Requesters, p.Mail = stillAdmin{}, &notify.Outbox{Mailer: &mailCount{}, Store: st}
	b := &failingStamps{Memory: bucket}
	b.fail.Store(true)
	p.Bucket = b
	ev := events.Event{CustomerID: "c1", ExportID: "e1"}
	if err := p.Assemble(context.Background(), ev); err == nil {
		t.Fatal("assembly with the archive unstampable succeeded")
	}
	b.fail.Store(false)
	if err := p.Assemble(context.Background(), ev); err != nil {
		t.Fatalf("the next delivery: %v; want it to assemble at once", err)
	}
	if e, _ := st.Export(context.Background(), "c1", "e1"); !e.State.Done() {
		t.Errorf("export %s after the retried assembly", e.State)
	}
}
