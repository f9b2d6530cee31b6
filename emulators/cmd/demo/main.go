// Command demo runs a whole export of a synthetic organisation on the local
// stack — the README's first command:
//
//	go run ./emulators/cmd/demo
//
// It starts every emulator and function (package devstack), signs in as the
// organisation's super administrator, starts an export through the admin
// API, shows its progress, and when it completes mirrors the archive into a
// local folder. Its last line is the path of report.html.
//
// With -duplicate alternating (or concurrent, after) every Cloud Tasks
// dispatch and Pub/Sub push is delivered twice, as the services' at-least-
// once delivery may: the archive and report should not change.
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
)

func main() {
	dir := flag.String("dir", ".demo", "folder for the stack's files and the mirrored archive (emptied first)")
	preset := flag.String("preset", "demo", "synthetic organisation: tiny or demo")
	seed := flag.Int64("seed", 1, "seed of the synthetic organisation")
	hold := flag.Duration("hold", 5*time.Second, "the hold, instead of 48h (R3a)")
	partSize := flag.String("part-size", "64MiB", "size at which account zips are split (R8b)")
	timeout := flag.Duration("timeout", 30*time.Minute, "give up after this long")
	var dup duplicate.Mode
	flag.TextVar(&dup, "duplicate", duplicate.Off, "deliver every Cloud Task and Pub/Sub push twice: off, concurrent, after or alternating")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	opts := devstack.Options{Preset: *preset, Seed: *seed, Hold: *hold, PartSize: *partSize, HousekeepingEvery: time.Minute, Duplicate: dup}
	if err := run(ctx, *dir, opts); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

// run starts the stack with opts (Dir and Log are set here) and exports.
func run(ctx context.Context, dir string, opts devstack.Options) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if err := os.RemoveAll(abs); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	fmt.Println("Starting the local stack (emulators and functions)…")
	opts.Dir, opts.Log = filepath.Join(abs, "stack"), log
	s, err := devstack.Start(ctx, opts)
	if err != nil {
		return err
	}
	defer s.Close()
	s.Describe(os.Stdout)

	d := &driver{stack: s, out: os.Stdout}
	admin := "admin@" + s.Workspace.Org().Customer().Domain
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
	n, err := d.mirror(ctx, final.prefix(), archive)
	if err != nil {
		return err
	}
	d.summary(final, n, archive)
	fmt.Println(filepath.Join(archive, "report.html"))
	return nil
}
