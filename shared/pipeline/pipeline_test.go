package pipeline_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/testenv"
	"github.com/orgexport/orgexport/shared/blob"
	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/pipeline"
	"github.com/orgexport/orgexport/shared/store"
)

func TestMain(m *testing.M) { os.Exit(testenv.Run(m, testenv.Firestore)) }

// numbered is a connector whose account holds n files of size bytes; it
// checkpoints after each, and can be made to crash once at item crashAt.
type numbered struct {
	n, size int
	crashAt int
	crashed bool
	mu      sync.Mutex
	// kill ends the current delivery's context, as an instance dying
	// mid-request does.
	kill context.CancelFunc
}

func (c *numbered) Product() export.Product          { return export.Drive }
func (c *numbered) Handles(a connector.Account) bool { return a.Type == export.User }

func (c *numbered) Export(ctx context.Context, a connector.Account, cursor string, e connector.Emitter) error {
	start := 0
	if cursor != "" {
		start, _ = strconv.Atoi(cursor)
	}
	for i := start; i < c.n; i++ {
		c.mu.Lock()
		crash := i == c.crashAt && !c.crashed
		if crash {
			c.crashed = true
		}
		c.mu.Unlock()
		w, err := e.Create(connector.Entry{Path: fmt.Sprintf("Drive/file-%03d.bin", i), ItemID: fmt.Sprintf("f%03d", i),
			Modified: time.Unix(0, 0), Content: connector.Compressed})
		if err != nil {
			return err
		}
		if _, err := w.Write(bytes.Repeat([]byte{byte(i)}, c.size)); err != nil {
			return err
		}
		if crash {
			c.kill()
			return ctx.Err()
		}
		if err := e.Checkpoint(ctx, strconv.Itoa(i+1)); err != nil {
			return err
		}
	}
	return nil
}

type recorder struct {
	mu       sync.Mutex
	tasks    []export.Task
	finished []string
}

func (r *recorder) Enqueue(ctx context.Context, t export.Task) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tasks = append(r.tasks, t)
	return nil
}

func (r *recorder) AccountFinished(ctx context.Context, cid, eid, key string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.finished = append(r.finished, key)
	return nil
}

func (r *recorder) AccountsFinished(ctx context.Context, cid, eid string) error { return nil }

func (r *recorder) next() (export.AccountTask, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.tasks) == 0 {
		return export.AccountTask{}, false
	}
	t := r.tasks[0]
	r.tasks = r.tasks[1:]
	return t.Body.(export.AccountTask), true
}

// setup records a running export with one user account.
func setup(t *testing.T, conn *numbered, partSize int64) (*pipeline.Pipeline, *recorder, *store.Store, *blob.Memory, *export.Export) {
	env := testenv.Get(t)
	ctx := context.Background()
	st, err := store.New(ctx, env.Project)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	now := time.Now().UTC()
	e := &export.Export{ID: "e1", CustomerID: "c1", Domain: "example.com", State: export.OnHold,
		RequestedBy: "admin@example.com", RequestedAt: now, HoldEnd: now, Prefix: "c1/e1/"}
	if err := st.Start(ctx, e, export.AuditEntry{At: now}, now); err != nil {
		t.Fatal(err)
	}
	if e, err = st.Update(ctx, "c1", "e1", func(e *export.Export) ([]export.AuditEntry, error) {
		e.State, e.StartedAt, e.Enumeration.Done = export.Running, now, true
		return nil, nil
	}); err != nil {
		t.Fatal(err)
	}
	key := export.AccountKey(export.User, "alice@example.com")
	if _, err := st.AddAccounts(ctx, "c1", "e1", []export.Account{{Key: key, Type: export.User, ID: "alice@example.com",
		Subject: "alice@example.com", State: export.AccountPending, Resume: export.Resume{NextPart: 1}}}); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	bucket := blob.NewMemory()
	p := &pipeline.Pipeline{Store: st, Bucket: bucket, Tasks: rec, Events: rec, Connectors: []pipeline.Connector{conn},
		Log: slog.New(slog.DiscardHandler), PartSize: partSize, Budget: time.Hour}
	_ = rec.Enqueue(ctx, export.Task{Body: export.AccountTask{CustomerID: "c1", ExportID: "e1", AccountKey: key, Part: 1}})
	return p, rec, st, bucket, e
}

// run delivers tasks like Cloud Tasks: a failed task is delivered again.
func run(t *testing.T, p *pipeline.Pipeline, rec *recorder, conn *numbered) (failures int) {
	for i := 0; i < 100; i++ {
		task, ok := rec.next()
		if !ok {
			return failures
		}
		ctx, cancel := context.WithCancel(context.Background())
		conn.kill = cancel
		err := p.Account(ctx, task)
		cancel()
		if err != nil {
			failures++
			_ = rec.Enqueue(context.Background(), export.Task{Body: task}) // retried
		}
	}
	t.Fatal("tasks never ran out")
	return failures
}

// entries lists the files in every part of the account, in part order.
func entries(t *testing.T, bucket *blob.Memory, prefix string) (names []string, parts int) {
	for o, err := range bucket.List(context.Background(), prefix) {
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(o.Name, ".zip") {
			continue
		}
		parts++
		r, _ := bucket.NewReader(context.Background(), o.Name)
		data, _ := io.ReadAll(r)
		r.Close()
		z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatalf("%s is no zip: %v", o.Name, err)
		}
		for _, f := range z.File {
			names = append(names, f.Name)
		}
	}
	return names, parts
}

func checkAllOnce(t *testing.T, names []string, n int) {
	t.Helper()
	seen := map[string]int{}
	for _, name := range names {
		seen[name]++
	}
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("Drive/file-%03d.bin", i)
		if seen[name] != 1 {
			t.Errorf("%s is in the archive %d times, want once", name, seen[name])
		}
	}
	if len(names) != n {
		t.Errorf("%d entries, want %d", len(names), n)
	}
}

// Parts are cut at the size limit and continued by new tasks; every item
// lands in exactly one part and the account finishes once.
func TestPartsSplitAndContinue(t *testing.T) {
	conn := &numbered{n: 30, size: 100 << 10, crashAt: -1}
	p, rec, st, bucket, _ := setup(t, conn, 1<<20)
	if f := run(t, p, rec, conn); f != 0 {
		t.Fatalf("%d tasks failed", f)
	}
	names, parts := entries(t, bucket, "c1/e1/users/")
	checkAllOnce(t, names, 30)
	if parts < 3 {
		t.Errorf("%d parts for 3 MiB at 1 MiB a part", parts)
	}
	a, err := st.Account(context.Background(), "c1", "e1", export.AccountKey(export.User, "alice@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	if a.State != export.AccountDone || len(a.Parts) != parts || a.Products["Drive"].Files != 30 {
		t.Errorf("account record: state %s, %d parts recorded of %d, %d files", a.State, len(a.Parts), parts, a.Products["Drive"].Files)
	}
	if len(rec.finished) != 1 {
		t.Errorf("account finished %d times", len(rec.finished))
	}
}

// With two zip workers (ExportAccount with two vCPUs) parts are cut and
// continued the same, a crash mid-part is redone, and every item lands in
// exactly one part.
func TestPartsWithTwoZipWorkers(t *testing.T) {
	conn := &numbered{n: 30, size: 100 << 10, crashAt: 17}
	p, rec, _, bucket, _ := setup(t, conn, 1<<20)
	p.ZipWorkers = 2
	if f := run(t, p, rec, conn); f != 1 {
		t.Fatalf("%d tasks failed, want the one that crashed", f)
	}
	names, parts := entries(t, bucket, "c1/e1/users/")
	checkAllOnce(t, names, 30)
	if parts < 3 {
		t.Errorf("%d parts for 3 MiB at 1 MiB a part", parts)
	}
}

// An instance that dies in the middle of a part leaves no broken part: the
// retried task redoes the part under the same name, and nothing is
// duplicated or lost.
func TestCrashMidPartIsRedone(t *testing.T) {
	conn := &numbered{n: 30, size: 100 << 10, crashAt: 17}
	p, rec, _, bucket, _ := setup(t, conn, 1<<20)
	if f := run(t, p, rec, conn); f != 1 {
		t.Fatalf("%d tasks failed, want the one that crashed", f)
	}
	names, _ := entries(t, bucket, "c1/e1/users/")
	checkAllOnce(t, names, 30)
}

// A duplicate delivery of a finished part changes nothing.
func TestDuplicateDeliveryChangesNothing(t *testing.T) {
	conn := &numbered{n: 12, size: 100 << 10, crashAt: -1}
	p, rec, st, bucket, _ := setup(t, conn, 1<<20)
	run(t, p, rec, conn)
	key := export.AccountKey(export.User, "alice@example.com")
	before, _ := st.Account(context.Background(), "c1", "e1", key)
	if err := p.Account(context.Background(), export.AccountTask{CustomerID: "c1", ExportID: "e1", AccountKey: key, Part: 1}); err != nil {
		t.Fatal(err)
	}
	after, _ := st.Account(context.Background(), "c1", "e1", key)
	if len(after.Parts) != len(before.Parts) || after.Files != before.Files {
		t.Errorf("a duplicate delivery changed the record: %d→%d parts, %d→%d files", len(before.Parts), len(after.Parts), before.Files, after.Files)
	}
	names, _ := entries(t, bucket, "c1/e1/users/")
	checkAllOnce(t, names, 12)
}
