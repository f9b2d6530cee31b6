// Command devstack runs the whole local cloud with every function, prints
// where everything is, and stops it all on Ctrl-C:
//
//	go run ./emulators/cmd/devstack -preset demo
//
// Open the admin console it prints ("Admin console") in a browser and sign
// in on the Workspace emulator's page as one of the accounts listed. Scripts
// can drive the API with an ID token from the Workspace emulator instead:
//
//	TOKEN=$(curl -s -XPOST WORKSPACE/emulator/idtoken -d email=admin@example.com -d audience=orgexport-console \
//	        | python3 -c "import json,sys; print(json.load(sys.stdin)['id_token'])")
//	curl -XPOST -H "Authorization: Bearer $TOKEN" STARTEXPORT/exports
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
	dir := flag.String("dir", ".demo/devstack", "folder for the stack's files (logs, bucket, mail)")
	preset := flag.String("preset", "demo", "synthetic organisation: tiny, demo or large")
	seed := flag.Int64("seed", 1, "seed of the synthetic organisation")
	hold := flag.Duration("hold", time.Minute, "the hold, instead of 48h (R3a)")
	housekeeping := flag.Duration("housekeeping", time.Minute, "how often Housekeeping runs (Cloud Scheduler runs it hourly)")
	var dup duplicate.Mode
	flag.TextVar(&dup, "duplicate", duplicate.Off, "deliver every Cloud Task and Pub/Sub push twice: off, concurrent, after or alternating")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	abs, err := filepath.Abs(*dir)
	if err != nil {
		fail(err)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	s, err := devstack.Start(ctx, devstack.Options{Dir: abs, Preset: *preset, Seed: *seed, Hold: *hold,
		HousekeepingEvery: *housekeeping, Log: log, Duplicate: dup})
	if err != nil {
		fail(err)
	}
	s.Describe(os.Stdout)
	fmt.Printf("Admin audience       %s (super administrator: admin@%s)\n", devstack.AdminAudience, s.Workspace.Org().Customer().Domain)
	s.DescribeAccounts(os.Stdout)
	fmt.Printf("\nOpen the admin console: %s/\n", s.ConsoleURL())
	fmt.Println("Running; Ctrl-C stops everything.")
	<-ctx.Done()
	fmt.Println("Stopping…")
	if err := s.Close(); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "devstack:", err)
	os.Exit(1)
}
