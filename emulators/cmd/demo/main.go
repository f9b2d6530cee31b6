// Command demo runs a whole export of a synthetic organisation on the local
// stack — the README's first command:
//
//	go run ./emulators/cmd/demo
//
// It starts every emulator and function (package devstack), signs in as the
// organisation's super administrator, starts an export through the admin
// API, shows its progress, and when it completes mirrors the archive into a
// local folder. Its last line is the path of report.html. It also prints
// where the admin console of its stack is; with -keep the stack stays up
// after the export until Ctrl-C, so the console can be opened. -faults makes
// a few items of the organisation fail, so the report and the console show
// failures. With -duplicate alternating (or concurrent, after) every Cloud
// Tasks dispatch and Pub/Sub push is delivered twice, as the services'
// at-least-once delivery may: the archive and report do not change.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/orgexport/orgexport/emulators/devstack"
	"github.com/orgexport/orgexport/emulators/duplicate"
	"github.com/orgexport/orgexport/emulators/verify"
	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

func main() {
	dir := flag.String("dir", ".demo", "folder for the stack's files and the mirrored archive (emptied first)")
	preset := flag.String("preset", "demo", "synthetic organisation: tiny or demo")
	seed := flag.Int64("seed", 1, "seed of the synthetic organisation")
	hold := flag.Duration("hold", 5*time.Second, "the hold, instead of 48h (R3a)")
	partSize := flag.String("part-size", "64MiB", "size at which account zips are split (R8b)")
	timeout := flag.Duration("timeout", 30*time.Minute, "give up after this long")
	keep := flag.Bool("keep", false, "keep the stack running after the export (until Ctrl-C), to open the admin console")
	faults := flag.Bool("faults", false, "make a few Drive files fail, so the report and the console show failures")
	var dup duplicate.Mode
	flag.TextVar(&dup, "duplicate", duplicate.Off, "deliver every Cloud Task and Pub/Sub push twice: off, concurrent, after or alternating")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	runCtx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	o := demo{dir: *dir, preset: *preset, seed: *seed, hold: *hold, partSize: *partSize, faults: *faults, duplicate: dup}
	if *keep {
		o.keep = ctx // the timeout is for the export, not the time the console stays up
	}
	if err := run(runCtx, o); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

// demo is what the flags chose.
type demo struct {
	dir, preset, partSize string
	seed                  int64
	hold                  time.Duration
	faults                bool
	duplicate             duplicate.Mode
	// keep, when set, keeps the stack up until it is done.
	keep context.Context
}

func run(ctx context.Context, o demo) error {
	dir, preset, seed, hold, partSize := o.dir, o.preset, o.seed, o.hold, o.partSize
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if err := os.RemoveAll(abs); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	fmt.Println("Starting the local stack (emulators and functions)…")
	s, err := devstack.Start(ctx, devstack.Options{Dir: filepath.Join(abs, "stack"), Preset: preset, Seed: seed,
		Hold: hold, PartSize: partSize, HousekeepingEvery: time.Minute, Log: log, Duplicate: o.duplicate})
	if err != nil {
		return err
	}
	defer s.Close()
	s.Describe(os.Stdout)
	if o.faults {
		if err := s.Workspace.SetFaults(failSomeItems(s.Workspace.Org())); err != nil {
			return err
		}
		fmt.Println("Faults: a few Drive files will fail (-faults).")
	}
	fmt.Printf("\nThe admin console of this stack: %s/ (sign in as %s on the emulator's page)\n",
		s.ConsoleURL(), "admin@"+s.Workspace.Org().Customer().Domain)

	d := &driver{stack: s, out: os.Stdout}
	admin := "admin@" + s.Workspace.Org().Customer().Domain
	d.estimate(ctx, admin)
	e, err := d.start(ctx, admin)
	if err != nil {
		return err
	}
	final, err := d.follow(ctx, admin, e.ID)
	if err != nil {
		return err
	}
	d.awaitCompletionEmail(ctx, admin)
	archive := filepath.Join(abs, "archive")
	n, err := verify.Mirror(ctx, s.StorageHost(), devstack.Bucket, final.prefix(), archive)
	if err != nil {
		return err
	}
	d.summary(final, n, archive)
	if o.keep != nil {
		fmt.Printf("\nThe stack keeps running (-keep): open %s/exports/%s to see this export in the console. Ctrl-C stops everything.\n\nThe report:\n",
			s.ConsoleURL(), e.ID)
		fmt.Println(filepath.Join(archive, "report.html"))
		<-o.keep.Done()
		return nil
	}
	fmt.Printf("\nAdd -keep to keep the stack up and see this export in the admin console.\n\nThe report:\n")
	fmt.Println(filepath.Join(archive, "report.html"))
	return nil
}

// failSomeItems makes three Drive files of each of the first two users
// fail every time they are downloaded (403 cannotDownloadFile, final at
// once), so the export completes with errors without waiting for retries.
func failSomeItems(org *synth.Org) workspace.Faults {
	var f workspace.Faults
	for _, u := range org.Users()[:min(2, len(org.Users()))] {
		o := synth.Owner{Index: u.Index}
		for k := 3; k < min(6, org.FileCount(o)); k++ {
			f.FailItems = append(f.FailItems, org.FileID(o, k))
		}
	}
	return f
}
