// Command orgexport gets an archive out of orgexport and onto the admin's
// own machine (R18): it signs in, downloads an export (through short-lived
// signed URLs from the API, or directly from the bucket), verifies a local
// copy offline against its manifest.json, unpacks every account's parts into
// one Takeout tree, and starts, watches and cancels exports for admins who
// script.
//
//	go install ./cmd/orgexport
//	orgexport login --api URL --client-id ID [--client-secret S]
//	orgexport download gs://BUCKET/CUSTOMER/EXPORT DIR
//	orgexport verify DIR
//	orgexport unpack DIR OUT
//	orgexport status [EXPORT] | start | cancel EXPORT
//
// Exit codes: 0 ok, 1 verification failed, 2 usage or access error,
// 3 incomplete (run the same command again to continue).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Exit codes a script can rely on.
const (
	exitOK         = 0
	exitVerify     = 1
	exitUsage      = 2
	exitIncomplete = 3
)

// exitError carries the exit code of a failed command.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageError(format string, args ...any) error {
	return &exitError{exitUsage, fmt.Errorf(format, args...)}
}

// accessError is a failure to reach or be allowed to read something.
func accessError(err error) error { return &exitError{exitUsage, err} }

func incomplete(err error) error { return &exitError{exitIncomplete, err} }

func verifyFailed(err error) error { return &exitError{exitVerify, err} }

// env is what a command sees of the world, so tests run commands in process.
type env struct {
	stdout, stderr io.Writer
	getenv         func(string) string
	// configDir is where login keeps its credentials; "" means the user's
	// config folder.
	configDir string
	// openBrowser opens the sign-in page; nil prints the URL only.
	openBrowser func(url string) error
	// terminal says whether stderr is a terminal (progress bar).
	terminal bool
}

type command struct {
	name, summary string
	run           func(ctx context.Context, e *env, args []string) error
}

var commands = []command{
	{"login", "sign in with a Google account and keep a refresh token", runLogin},
	{"download", "copy an export's archive to a folder, checked and resumable", runDownload},
	{"verify", "check a downloaded archive offline against its manifest", runVerify},
	{"unpack", "extract every account's parts into one Takeout tree", runUnpack},
	{"status", "show an export, or list the organisation's exports", runStatus},
	{"estimate", "how big and how long an export would be, from the usage reports", runEstimate},
	{"start", "start an export of the organisation", runStart},
	{"cancel", "cancel an export", runCancel},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	e := &env{stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv, openBrowser: openBrowser, terminal: isTerminal(os.Stderr)}
	code := run(ctx, e, os.Args[1:])
	stop()
	os.Exit(code)
}

// run runs one command line and returns its exit code.
func run(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(e.stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commands {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, e, args[1:])
		return exitCode(e, c.name, err)
	}
	fmt.Fprintf(e.stderr, "orgexport: unknown command %q\n\n", args[0])
	usage(e.stderr)
	return exitUsage
}

func exitCode(e *env, name string, err error) int {
	if err == nil {
		return exitOK
	}
	if errors.Is(err, errHelp) {
		return exitOK
	}
	fmt.Fprintf(e.stderr, "orgexport %s: %v\n", name, err)
	var x *exitError
	if errors.As(err, &x) {
		return x.code
	}
	if errors.Is(err, context.Canceled) {
		return exitIncomplete
	}
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "orgexport gets an orgexport archive onto this machine.\n\nUsage: orgexport COMMAND [flags] [args]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun \"orgexport COMMAND -h\" for a command's flags.")
	fmt.Fprintln(w, "Exit codes: 0 ok, 1 verification failed, 2 usage or access error, 3 incomplete (run again to continue).")
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
