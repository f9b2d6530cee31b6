// Command accountmem measures the peak memory (resident set) of exporting
// one large account the way ExportAccount does, for issue 5's target (an
// account holding a 5 GiB file and 100,000 messages in at most 256 MiB)
// and issue 21's (a Drive of 1,000,000 files in nested folders, and a
// mailbox of 1,000,000 messages, each in at most 256 MiB):
//
//	go run ./emulators/cmd/accountmem -messages 100000 -file-size 5GiB
//	go run ./emulators/cmd/accountmem -messages 0 -drive-files 1000000 -file-size 8KiB
//	go run ./emulators/cmd/accountmem -messages 1000000 -file-size 1MiB
//
// The Workspace emulator and the Firestore emulator run in their own
// processes, so the figure is this process's alone: the real connectors,
// the real pipeline and the zip writer. The bucket is blob.Discard, which
// checksums and drops what it is given (fake-gcs-server would hold the
// upload in memory; a real upload adds its 8 MiB chunk buffer).
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/orgexport/orgexport/emulators/procstat"

	"github.com/orgexport/orgexport/emulators/gcloud"
	"github.com/orgexport/orgexport/shared/blob"
	"github.com/orgexport/orgexport/shared/config"
	"github.com/orgexport/orgexport/shared/delegation"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/pipeline"
	"github.com/orgexport/orgexport/shared/store"
	"github.com/orgexport/orgexport/shared/wire"
)

var memProfile *string

func main() {
	messages := flag.Int("messages", 100000, "messages in the mailbox")
	fileSize := flag.String("file-size", "5GiB", "size of the largest Drive file")
	partSize := flag.String("part-size", "2GiB", "zip part size")
	memProfile = flag.String("memprofile", "", "write a heap profile here whenever the heap in use reaches a new high")
	driveFiles := flag.Int("drive-files", 0, "generated Drive files beyond the fixed ones, in nested folders (synth.Options.NestedFolders)")
	flag.Parse()
	if err := run(*messages, *driveFiles, *fileSize, *partSize); err != nil {
		fmt.Fprintln(os.Stderr, "accountmem:", err)
		os.Exit(1)
	}
}

func run(messages, driveFiles int, fileSize, partSize string) error {
	ctx := context.Background()
	size, err := config.ParseSize(fileSize)
	if err != nil {
		return err
	}
	part, err := config.ParseSize(partSize)
	if err != nil {
		return err
	}
	url, stop, err := startWorkspace(ctx, messages, driveFiles, size)
	if err != nil {
		return err
	}
	defer stop()
	fs, err := gcloud.StartFirestore(ctx, gcloud.Options{Project: "accountmem"})
	if err != nil {
		return err
	}
	defer fs.Stop()
	os.Setenv("FIRESTORE_EMULATOR_HOST", fs.HostPort())
	st, err := store.New(ctx, "accountmem")
	if err != nil {
		return err
	}
	defer st.Close()
	f, err := delegation.New(ctx, config.Workspace{Endpoint: url, DelegationServiceAccount: "orgexport-delegation@orgexport-local.iam.gserviceaccount.com"}, delegation.Options{})
	if err != nil {
		return err
	}
	user := "admin@example.com"
	key, err := record(ctx, st, user)
	if err != nil {
		return err
	}
	q := &queue{}
	bucket := blob.NewDiscard()
	p := &pipeline.Pipeline{Store: st, Bucket: bucket, Tasks: q, Events: q, Connectors: wire.Connectors(f, slog.Default()),
		Log: slog.Default(), PartSize: part, Budget: 25 * time.Minute}
	q.tasks = append(q.tasks, export.AccountTask{CustomerID: "c", ExportID: "e", AccountKey: key, Part: 1})
	if *memProfile != "" {
		go profileHighs(*memProfile)
	}
	t0 := time.Now()
	for len(q.tasks) > 0 {
		t := q.tasks[0]
		q.tasks = q.tasks[1:]
		if err := p.Account(ctx, t); err != nil {
			return fmt.Errorf("part %d: %w", t.Part, err)
		}
		fmt.Printf("part %d done after %s, peak RSS so far %s\n", t.Part, time.Since(t0).Round(time.Second), peakRSS())

	}
	a, err := st.Account(ctx, "c", "e", key)
	if err != nil {
		return err
	}
	elapsed := time.Since(t0)
	fmt.Printf("account %s: %d parts, %d items exported, %d failed, %.2f GiB written in %s (%.1f MB/s)\n",
		a.ID, len(a.Parts), a.Files, a.FailedItems, float64(a.Bytes)/(1<<30), elapsed.Round(time.Second),
		float64(a.Bytes)/1e6/elapsed.Seconds())
	fmt.Printf("peak RSS (VmHWM) of this process: %s\n", peakRSS())
	return nil
}

// startWorkspace runs the Workspace emulator in its own process with one
// user holding the mailbox, the Drive files and the large file. Stopping
// it prints its own peak RSS: it generates content as it is asked for, so
// it should stay small too.
func startWorkspace(ctx context.Context, messages, driveFiles int, size int64) (string, func(), error) {
	dir, err := os.MkdirTemp("", "accountmem")
	if err != nil {
		return "", nil, err
	}
	bin := filepath.Join(dir, "workspace-emulator")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/orgexport/orgexport/emulators/cmd/workspace-emulator").CombinedOutput(); err != nil {
		return "", nil, fmt.Errorf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-preset", "tiny", "-users", "1",
		"-messages-per-user", fmt.Sprint(messages), "-files-per-user", fmt.Sprint(driveFiles), "-nested-folders",
		"-max-file-size", fmt.Sprint(size))
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() {
		fmt.Printf("peak RSS (VmHWM) of the Workspace emulator: %s\n", peakRSSOf(cmd.Process.Pid))
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
		os.RemoveAll(dir)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		stop()
		return "", nil, fmt.Errorf("workspace emulator: %w", err)
	}
	return strings.TrimSpace(line), stop, nil
}

func record(ctx context.Context, st *store.Store, user string) (string, error) {
	now := time.Now().UTC()
	e := &export.Export{ID: "e", CustomerID: "c", Domain: "example.com", State: export.OnHold, RequestedBy: user,
		RequestedAt: now, HoldEnd: now, Prefix: "c/e/"}
	if err := st.Start(ctx, e, export.AuditEntry{At: now}, now); err != nil {
		return "", err
	}
	if _, err := st.Update(ctx, "c", "e", func(e *export.Export) ([]export.AuditEntry, error) {
		e.State, e.StartedAt = export.Running, now
		return nil, nil
	}); err != nil {
		return "", err
	}
	key := export.AccountKey(export.User, user)
	_, err := st.AddAccounts(ctx, "c", "e", []export.Account{{Key: key, Type: export.User, ID: user, Subject: user,
		State: export.AccountPending, Resume: export.Resume{NextPart: 1}}})
	return key, err
}

// queue runs continuation tasks in this process.
type queue struct{ tasks []export.AccountTask }

func (q *queue) Enqueue(ctx context.Context, t export.Task) error {
	q.tasks = append(q.tasks, t.Body.(export.AccountTask))
	return nil
}
func (q *queue) AccountFinished(ctx context.Context, cid, eid, key string) error { return nil }
func (q *queue) AccountsFinished(ctx context.Context, cid, eid string) error     { return nil }

// profileHighs writes a heap profile to name each time the heap in use
// grows by a tenth over its highest so far, checking every second.
func profileHighs(name string) {
	var high uint64
	for range time.Tick(time.Second) {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		if ms.HeapInuse > high+high/10 {
			high = ms.HeapInuse
			if err := writeHeapProfile(name); err != nil {
				fmt.Fprintln(os.Stderr, "accountmem:", err)
				return
			}
		}
	}
}

func writeHeapProfile(name string) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	defer f.Close()
	return pprof.Lookup("heap").WriteTo(f, 0)
}

func peakRSS() string { return peakRSSOf(procstat.Self()) }

// peakRSSOf reads a process's VmHWM, in MiB.
func peakRSSOf(pid int) string {
	b, err := procstat.PeakRSS(pid)
	if err != nil {
		return "? (" + err.Error() + ")"
	}
	return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
}
