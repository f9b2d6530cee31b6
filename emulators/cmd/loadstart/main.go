package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/orgexport/orgexport/emulators/devstack"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

func main() {
	admins := flag.Int("admins", 100, "concurrent start requests per round")
	rounds := flag.Int("rounds", 5, "rounds; each ends by cancelling the accepted export")
	seed := flag.Int64("seed", 1, "seed of the synthetic organisation (preset tiny)")
	dir := flag.String("dir", "", "folder for the stack's files (default: a temporary folder, removed at the end)")
	timeout := flag.Duration("timeout", 15*time.Minute, "give up after this long")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	if err := run(ctx, *dir, *seed, *admins, *rounds); err != nil {
		fmt.Fprintln(os.Stderr, "loadstart:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, dir string, seed int64, admins, rounds int) error {
	if admins < 2 || rounds < 1 {
		return fmt.Errorf("need at least 2 admins and 1 round")
	}
	if dir == "" {
		tmp, err := os.MkdirTemp("", "loadstart-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	opts := synth.Tiny(seed)
	opts.Now = time.Now().UTC().Truncate(time.Second)
	org, err := synth.New(opts)
	if err != nil {
		return err
	}
	fmt.Println("Starting the local stack…")
	begun := time.Now()
	s, err := devstack.Start(ctx, devstack.Options{Dir: dir, Org: org})
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Printf("Stack up in %v.\n", time.Since(begun).Round(100*time.Millisecond))
	d, err := newDriver(s, "admin@"+org.Customer().Domain, admins)
	if err != nil {
		return err
	}
	if err := d.warmUp(ctx); err != nil {
		return err
	}
	var all []sample
	for i := range rounds {
		got, err := d.round(ctx)
		all = append(all, got...)
		if err != nil {
			return fmt.Errorf("round %d: %w", i+1, err)
		}
		fmt.Printf("round %d: %s\n", i+1, summarise(got))
	}
	report(os.Stdout, admins, rounds, all)
	return nil
}
