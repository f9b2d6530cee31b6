package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/orgexport/orgexport/emulators/smtpsink"
)

func main() {
	dir := flag.String("dir", "", "directory for the received .eml files (required)")
	addr := flag.String("addr", "127.0.0.1:2525", "address to listen on")
	user := flag.String("user", "", "require AUTH PLAIN with this user name")
	pass := flag.String("password", "", "password for -user")
	flag.Parse()
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "smtpsink: -dir is required")
		flag.Usage()
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	sink, err := smtpsink.StartWith(*dir, smtpsink.Options{Addr: *addr, Username: *user, Password: *pass, Logger: logger})
	if err != nil {
		logger.Error("start", "err", err)
		os.Exit(1)
	}
	logger.Info("smtpsink listening", "addr", sink.Addr(), "dir", *dir)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	if err := sink.Close(); err != nil {
		logger.Error("close", "err", err)
		os.Exit(1)
	}
}
