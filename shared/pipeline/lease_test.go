package pipeline_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orgexport/orgexport/shared/pipeline"

	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
)

// gated writes n small files. Its first call writes one file and then
// waits at the gate, as a worker paused mid-part (a long GC, a frozen
// instance) does; with checkpoint false it skips its checkpoints, so only
// the upload's precondition and the fenced record stop it. Every file holds
// the number of the call that wrote it.
type gated struct {
	numbered
	checkpoint bool
	calls      atomic.Int32
	paused     chan struct{} // closed when the first call waits
	gate       chan struct{} // closed to let it go on
}

func newGated(n int, checkpoint bool) *gated {
	return &gated{numbered: numbered{n: n, size: 1 << 10, crashAt: -1}, checkpoint: checkpoint,
		paused: make(chan struct{}), gate: make(chan struct{})}
}

func (g *gated) Export(ctx context.Context, a connector.Account, cursor string, e connector.Emitter) error {
	call := g.calls.Add(1)
	for i := 0; i < g.n; i++ {
		w, err := e.Create(connector.Entry{Path: fmt.Sprintf("Drive/file-%03d.bin", i), ItemID: fmt.Sprintf("f%03d", i),
			Modified: time.Unix(0, 0), Content: connector.Compressed})
		if err != nil {
			return err
		}
		if _, err := w.Write(bytes.Repeat([]byte{byte(call)}, g.size)); err != nil {
			return err
		}
		if call == 1 && i == 0 {
			close(g.paused)
			<-g.gate
		}
		if g.checkpoint {
			if err := e.Checkpoint(ctx, ""); err != nil {
				return err
			}
		}
	}
	return nil
}

// clock is a pipeline clock the test moves.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// writers lists, for every file of the part, the call that wrote it.
func writers(t *testing.T, data []byte) map[string]byte {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("the part is no zip: %v", err)
	}
	out := map[string]byte{}
	for _, f := range z.File {
		r, _ := f.Open()
		b, _ := io.ReadAll(r)
		r.Close()
		if len(b) > 0 {
			out[f.Name] = b[0]
		}
	}
	return out
}

// A worker paused past its lease while another delivery of its task takes
// the part over writes nothing when it wakes: the part, its index and the
// account's record are the second worker's, each file once.
func TestWorkerPausedPastItsLeaseWritesNothing(t *testing.T) {
	for _, checkpoint := range []bool{true, false} {
		t.Run(fmt.Sprintf("checkpoints=%v", checkpoint), func(t *testing.T) {
			ctx := context.Background()
			conn := newGated(5, checkpoint)
			p, _, st, bucket, _ := setup(t, &conn.numbered, 1<<30)
			p.Connectors = []pipeline.Connector{conn}
			clk := &clock{now: time.Now().UTC()}
			p.Now = clk.Now
			key := export.AccountKey(export.User, "alice@example.com")
			task := export.AccountTask{CustomerID: "c1", ExportID: "e1", AccountKey: key, Part: 1}

			stale := make(chan error, 1)
			go func() { stale <- p.Account(ctx, task) }()
			<-conn.paused
			// While the first worker's lease lasts, another delivery is
			// told to come back later.
			if err := p.Account(ctx, task); !errors.Is(err, export.ErrBusy) {
				t.Fatalf("delivery during the lease: %v, want ErrBusy", err)
			}
			clk.add(export.LeaseTTL + time.Second)
			if err := p.Account(ctx, task); err != nil {
				t.Fatalf("delivery after the lease lapsed: %v", err)
			}
			close(conn.gate)
			if err := <-stale; err != nil {
				t.Errorf("the stale worker ended with %v; want it acknowledged: another worker has the part", err)
			}
			if err := p.Account(ctx, task); err != nil {
				t.Fatalf("a late delivery: %v", err)
			}
			a, err := st.Account(ctx, "c1", "e1", key)
			if err != nil {
				t.Fatal(err)
			}
			if a.State != export.AccountDone || len(a.Parts) != 1 || a.Files != 5 || a.Attempts != 2 {
				t.Errorf("account %s, %d parts, %d files, %d claims; want DONE, 1 part, 5 files, 2 claims", a.State, len(a.Parts), a.Files, a.Attempts)
			}
			data := read(t, bucket, "c1/e1/"+a.Parts[0].Name)
			got := writers(t, data)
			if len(got) != 5 {
				t.Errorf("the part holds %d files, want 5: %v", len(got), got)
			}
			for name, call := range got {
				if call != 2 {
					t.Errorf("%s was written by the stale worker (call %d)", name, call)
				}
			}
			if sum := fmt.Sprintf("%x", sha256.Sum256(data)); sum != a.Parts[0].SHA256 {
				t.Errorf("the part's object is not the one recorded: %s, recorded %s", sum, a.Parts[0].SHA256)
			}
		})
	}
}
