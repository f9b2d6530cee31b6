// Command assemblemem measures AssembleReport as it runs in the cloud, for
// issue 21's target (10,000 accounts and 100,000 failed items in at most
// 5 s of CPU and 100 MiB of resident memory):
//
//	go run ./emulators/cmd/assemblemem
//
// It starts the dev stack, records in its Firestore and Cloud Storage
// emulators an export whose accounts are all done (package
// emulators/assembly), and publishes the last account's event. The real
// AssembleReport function receives it through the push subscription, in a
// process of its own that has served nothing before, as a Cloud Run
// instance does (AssembleReport serves one push at a time: concurrency 1
// in infra/functions.tf). It writes report.html, report.json and
// manifest.json through the Cloud Storage client, stamps every object and
// mails the admin.
//
// The figures are that process's, from /proc: its peak resident set over
// its whole life (start-up included) and the CPU the push took. It checks
// that report.json lists every account and failed item and that
// manifest.json lists every object, and exits non-zero if either figure is
// over its target or anything is missing.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"cloud.google.com/go/storage"
	"google.golang.org/api/option"

	"github.com/orgexport/orgexport/emulators/assembly"
	"github.com/orgexport/orgexport/emulators/devstack"
	"github.com/orgexport/orgexport/emulators/verify"
	"github.com/orgexport/orgexport/shared/blob"
	"github.com/orgexport/orgexport/shared/events"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/store"
)

// The targets of issue 21.
const (
	cpuTarget = 5 * time.Second
	rssTarget = 100 << 20
)

func main() {
	accounts := flag.Int("accounts", 10_000, "accounts of the export")
	withErrors := flag.Int("with-errors", 1_000, "accounts with failed items")
	perAccount := flag.Int("per-account", 100, "failed items of each account with errors")
	dir := flag.String("dir", "", "folder for the stack's files (default: a temporary folder, removed at the end)")
	timeout := flag.Duration("timeout", 30*time.Minute, "give up after this long")
	verbose := flag.Bool("v", false, "log the stack's own progress")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	shape := assembly.Shape{Accounts: *accounts, WithErrors: *withErrors, PerAccount: *perAccount}
	if err := run(ctx, *dir, shape, *verbose); err != nil {
		fmt.Fprintln(os.Stderr, "assemblemem:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, dir string, shape assembly.Shape, verbose bool) error {
	if shape.Accounts < 1 || shape.WithErrors < 0 || shape.PerAccount < 0 {
		return errors.New("need at least one account, and no negative counts")
	}
	if dir == "" {
		tmp, err := os.MkdirTemp("", "assemblemem-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	log := slog.New(slog.DiscardHandler)
	if verbose {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	fmt.Println("Starting the local stack…")
	s, err := devstack.Start(ctx, devstack.Options{Dir: dir, Preset: "tiny", Seed: 1, Log: log})
	if err != nil {
		return err
	}
	defer s.Close()
	customer := s.Workspace.Org().Customer()
	shape.CustomerID, shape.Domain = customer.ID, customer.Domain
	shape.RequestedBy, shape.ExportID = "admin@"+customer.Domain, "assemblemem"

	os.Setenv("FIRESTORE_EMULATOR_HOST", s.FirestoreHost())
	os.Setenv("PUBSUB_EMULATOR_HOST", s.PubSubHost())
	st, err := store.New(ctx, devstack.Project)
	if err != nil {
		return err
	}
	defer st.Close()
	client, err := storage.NewClient(ctx, option.WithEndpoint("http://"+s.StorageHost()+"/storage/v1/"), option.WithoutAuthentication())
	if err != nil {
		return err
	}
	defer client.Close()
	bucket := blob.NewGCS(client, devstack.Bucket, blob.GCSOptions{})

	t0 := time.Now()
	if err := assembly.Seed(ctx, st, bucket, shape); err != nil {
		return err
	}
	fmt.Printf("Recorded an export of %d accounts and %d failed items in %v.\n", shape.Accounts, shape.FailedItems(), time.Since(t0).Round(time.Second))

	idle, ok := s.Usage()["AssembleReport"]
	if !ok {
		return errors.New("AssembleReport's process is not running")
	}
	pub, err := events.New(ctx, devstack.Project, "export-events")
	if err != nil {
		return err
	}
	defer pub.Close()
	last := export.AccountKey(export.User, fmt.Sprintf("user%05d@%s", shape.Accounts-1, shape.Domain))
	t0 = time.Now()
	if err := pub.AccountFinished(ctx, shape.CustomerID, shape.ExportID, last); err != nil {
		return err
	}
	e, err := finished(ctx, s, st, shape)
	if err != nil {
		return err
	}
	wall := time.Since(t0)
	used := s.Usage()["AssembleReport"]
	cpu := used.CPU - idle.CPU

	fmt.Printf("\nAssembleReport: %s in %v of wall time (one push, from publish to answer).\n", e.State, wall.Round(100*time.Millisecond))
	fmt.Printf("  CPU of the push:     %6.2f s   (target ≤ %v)%s\n", cpu.Seconds(), cpuTarget, over(cpu > cpuTarget))
	fmt.Printf("  peak resident set:   %6.1f MiB (target ≤ %d MiB)%s — the process's whole life; %.1f MiB when it had started\n",
		mib(used.PeakRSS), rssTarget>>20, over(used.PeakRSS > rssTarget), mib(idle.PeakRSS))

	missing, err := check(ctx, bucket, shape, e)
	if err != nil {
		return err
	}
	switch {
	case len(missing) > 0:
		for _, m := range missing {
			fmt.Println("  " + m)
		}
		return fmt.Errorf("the assembly left out %d things", len(missing))
	case cpu > cpuTarget || used.PeakRSS > rssTarget:
		return errors.New("over target")
	}
	return nil
}

// finished waits for the export to reach its final state and the push to
// be answered (the completion email is sent after the state is written).
func finished(ctx context.Context, s *devstack.Stack, st *store.Store, shape assembly.Shape) (*export.Export, error) {
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("export %s not assembled: %w; AssembleReport's log is in %s", shape.ExportID, ctx.Err(), s.Dir()+"/logs")
		case <-tick.C:
		}
		e, err := st.Export(ctx, shape.CustomerID, shape.ExportID)
		if err != nil {
			return nil, err
		}
		if !e.State.Active() && s.InFlight() == 0 {
			return e, nil
		}
	}
}

// check reads what the assembly wrote and lists what is missing from it.
func check(ctx context.Context, bucket *blob.GCS, shape assembly.Shape, e *export.Export) ([]string, error) {
	var missing []string
	if e.State != export.CompletedWithErrors && shape.FailedItems() > 0 || e.Totals.FailedItems != shape.FailedItems() {
		missing = append(missing, fmt.Sprintf("export %s with %d failed items; want %s with %d", e.State, e.Totals.FailedItems, export.CompletedWithErrors, shape.FailedItems()))
	}
	var written int64
	for _, name := range []string{"report.html", "report.json", "manifest.json"} {
		a, err := bucket.Attrs(ctx, shape.Prefix()+name)
		if err != nil {
			return nil, err
		}
		written += a.Size
		if a.CustomTime.IsZero() {
			missing = append(missing, name+" has no Custom-Time (R12)")
		}
	}
	r, err := bucket.NewReader(ctx, shape.Prefix()+"report.json")
	if err != nil {
		return nil, err
	}
	rep, err := verify.ReadReport(r)
	r.Close()
	if err != nil {
		return nil, err
	}
	if rep.Accounts != shape.Accounts || int64(rep.Failures) != shape.FailedItems() {
		missing = append(missing, fmt.Sprintf("report.json lists %d accounts and %d failed items; want %d and %d", rep.Accounts, rep.Failures, shape.Accounts, shape.FailedItems()))
	}
	r, err = bucket.NewReader(ctx, shape.Prefix()+"manifest.json")
	if err != nil {
		return nil, err
	}
	listed, err := manifestObjects(r)
	r.Close()
	if err != nil {
		return nil, err
	}
	// Each account wrote its part and index, those with errors a failure
	// file; the assembly adds report.html and report.json.
	want := 2*shape.Accounts + min(shape.WithErrors, shape.Accounts) + 2
	if listed != want {
		missing = append(missing, fmt.Sprintf("manifest.json lists %d objects; want %d", listed, want))
	}
	fmt.Printf("  written:             %6.1f MiB (report.html, report.json, manifest.json); report.json lists %d accounts and %d failed items, manifest.json %d objects\n",
		mib(written), rep.Accounts, rep.Failures, listed)
	return missing, nil
}

func manifestObjects(r io.Reader) (int, error) {
	var m struct {
		Objects []json.RawMessage `json:"objects"`
	}
	if err := json.NewDecoder(r).Decode(&m); err != nil {
		return 0, fmt.Errorf("manifest.json: %w", err)
	}
	return len(m.Objects), nil
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

func over(is bool) string {
	if is {
		return "  OVER"
	}
	return ""
}
