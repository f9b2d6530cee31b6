// Command loadexport runs a whole export of a large synthetic organisation
// through every function of the local stack (issue 21): 10,000 small
// accounts by default — users, groups, shared drives and calendar
// resources, a few items each — from the admin's start to COMPLETED, then
// checks every account of the archive against the ground truth and that
// the report lists every account.
//
//	go run ./emulators/cmd/loadexport -accounts 10000
//
// Every function reaches the emulators through a recording proxy of its
// own (package iamrecord), so the run also counts what the export cost,
// per function and per account: Firestore transactions, commits,
// documents read and written, aggregation queries; Cloud Tasks created;
// Pub/Sub messages published; Cloud Storage objects written; IAM
// Credentials signJwt calls. It prints those figures, the wall time and
// each function process's peak resident set, and exits non-zero if the
// export did not complete or the archive differs from the source.
//
// It is a load driver, not a test: a run of 10,000 accounts takes tens of
// minutes on two cores.
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
	"github.com/orgexport/orgexport/emulators/iamrecord"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

func main() {
	accounts := flag.Int("accounts", 10000, "user accounts of the organisation; groups, shared drives and resources are added in proportion")
	seed := flag.Int64("seed", 1, "seed of the synthetic organisation")
	dir := flag.String("dir", "", "folder for the stack's files and the mirrored archive (default: a temporary folder, removed at the end)")
	timeout := flag.Duration("timeout", 4*time.Hour, "give up after this long")
	verbose := flag.Bool("v", false, "log the stack's own progress")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	if err := run(ctx, *dir, *seed, *accounts, *verbose); err != nil {
		fmt.Fprintln(os.Stderr, "loadexport:", err)
		os.Exit(1)
	}
}

// Options is the organisation of a run: n users with a few small items of
// every product, and groups, shared drives and resources in proportion.
func Options(seed int64, n int) synth.Options {
	o := synth.Tiny(seed)
	o.Now = time.Now().UTC().Truncate(time.Second)
	o.Users = n
	o.Groups, o.SharedDrives, o.Resources = max(1, n/20), max(1, n/50), max(1, n/100)
	o.MessagesPerUser, o.LargeMessageSize = 2, 4<<10
	o.FilesPerUser, o.MaxFileSize, o.BigDocSize = 1, 8<<10, 0
	o.EventsPerUser, o.ContactsPerUser, o.TasksPerUser, o.NotesPerUser = 1, 1, 2, 1
	o.ChatSpaces, o.MessagesPerChat, o.Courses = max(2, n/100), 2, max(2, n/100)
	o.RetainedPerUser, o.PostsPerGroup = 0, 1
	return o
}

func run(ctx context.Context, dir string, seed int64, n int, verbose bool) error {
	if n < 2 {
		return fmt.Errorf("need at least 2 accounts")
	}
	if dir == "" {
		tmp, err := os.MkdirTemp("", "loadexport-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	org, err := synth.New(Options(seed, n))
	if err != nil {
		return err
	}
	log := slog.New(slog.DiscardHandler)
	if verbose {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	rec := iamrecord.NewRecorder()
	fmt.Printf("Starting the local stack for %d users (%d accounts in all)…\n", n, len(org.Accounts()))
	begun := time.Now()
	s, err := devstack.Start(ctx, devstack.Options{Dir: filepath.Join(dir, "stack"), Org: org, Record: rec,
		Hold: time.Second, HousekeepingEvery: time.Minute, Log: log})
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Printf("Stack up in %v.\n", time.Since(begun).Round(100*time.Millisecond))
	r := &runner{stack: s, admin: "admin@" + org.Customer().Domain, out: os.Stdout}
	res, err := r.export(ctx)
	if err != nil {
		return err
	}
	usage := s.Usage()
	counts := rec.Counts()
	if err := r.verify(ctx, res, filepath.Join(dir, "archive")); err != nil {
		return err
	}
	printCosts(os.Stdout, res, counts, usage)
	return nil
}
