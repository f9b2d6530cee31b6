package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/orgexport/orgexport/emulators/gcs"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "gcs-emulator:", err)
		os.Exit(1)
	}
}

// run serves until ctx ends.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gcs-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:4443", "address to listen on (port 0 picks a free one)")
	var buckets []string
	fs.Func("bucket", "bucket to create at start (repeatable, or comma-separated)", func(v string) error {
		buckets = append(buckets, strings.Split(v, ",")...)
		return nil
	})
	root := fs.String("root", "", "keep objects in files under this directory instead of memory")
	verbose := fs.Bool("v", false, "log every request to stderr")
	if err := fs.Parse(args); err != nil {
		return err
	}
	o := gcs.Options{Addr: *addr, Buckets: buckets, Root: *root}
	if *verbose {
		o.Log = stderr
	}
	srv, err := gcs.Start(o)
	if err != nil {
		return err
	}
	defer srv.Stop()
	fmt.Fprintf(stdout, "listening on %s (export %s=%s), buckets %v\n", srv.HostPort(), gcs.EnvStorage, srv.HostPort(), buckets)
	<-ctx.Done()
	return nil
}
