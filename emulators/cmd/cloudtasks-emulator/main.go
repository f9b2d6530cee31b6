package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/orgexport/orgexport/emulators/cloudtasks"
	"github.com/orgexport/orgexport/emulators/duplicate"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "cloudtasks-emulator:", err)
		os.Exit(1)
	}
}

// run serves until ctx is done.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("cloudtasks-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	grpcAddr := fs.String("grpc", "127.0.0.1:0", "gRPC listen address (host:port)")
	httpAddr := fs.String("http", "127.0.0.1:0", "HTTP listen address for OIDC discovery, JWKS and GET /tasks")
	tombstone := fs.Duration("tombstone", 0, "how long a finished or deleted task's name stays taken (default 1h)")
	verbose := fs.Bool("v", false, "log every dispatch to stderr")
	var dup duplicate.Mode
	fs.TextVar(&dup, "duplicate", duplicate.Off, "send every dispatch twice: off, concurrent, after or alternating")
	if err := fs.Parse(args); err != nil {
		return err
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	srv, err := cloudtasks.Start(ctx, cloudtasks.Options{
		GRPCAddr:        *grpcAddr,
		HTTPAddr:        *httpAddr,
		TombstoneWindow: *tombstone,
		Duplicate:       dup,
		Logger:          slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})),
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "grpc %s\n", srv.Addr())
	fmt.Fprintf(stdout, "http %s\n", srv.IssuerURL())
	<-ctx.Done()
	return srv.Close()
}
