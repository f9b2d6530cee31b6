// Command demo runs a whole export of a synthetic organisation on the local
// stack — the README's first command:
//
//	go run ./emulators/cmd/demo
//
// It starts every emulator and function (package devstack), signs in as the
// organisation's super administrator, starts an export through the admin
// API, shows its progress, and when it completes mirrors the archive into a
// local folder. Its last line is the path of report.html.
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
)

func main() {
	dir := flag.String("dir", ".demo", "folder for the stack's files and the mirrored archive (emptied first)")
	preset := flag.String("preset", "demo", "synthetic organisation: tiny or demo")
	seed := flag.Int64("seed", 1, "seed of the synthetic organisation")
	hold := flag.Duration("hold", 5*time.Second, "the hold, instead of 48h (R3a)")
	partSize := flag.String("part-size", "64MiB", "size at which account zips are split (R8b)")
	timeout := flag.Duration("timeout", 30*time.Minute, "give up after this long")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	if err := run(ctx, *dir, *preset, *seed, *hold, *partSize); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, dir, preset string, seed int64, hold time.Duration, partSize string) error {
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
		Hold: hold, PartSize: partSize, HousekeepingEvery: time.Minute, Log: log})
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
