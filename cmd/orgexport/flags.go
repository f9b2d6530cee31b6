package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"
)

// errHelp ends a command that printed its help.
var errHelp = errors.New("help shown")

// newFlags returns a flag set for a command whose -h prints synopsis and
// about before the flags.
func newFlags(e *env, name, synopsis, about string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: orgexport %s %s\n\n%s\n\nFlags:\n", name, synopsis, strings.TrimSpace(about))
		fs.PrintDefaults()
		fmt.Fprintln(e.stderr, "\nExit codes: 0 ok, 1 verification failed, 2 usage or access error, 3 incomplete (run again to continue).")
	}
	return fs
}

// parse parses flags wherever they are among the arguments (flag stops at
// the first argument that is not a flag) and checks the number of
// positional arguments.
func parse(fs *flag.FlagSet, args []string, minArgs, maxArgs int) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, errHelp
			}
			return nil, &exitError{exitUsage, err}
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	if len(pos) < minArgs || len(pos) > maxArgs {
		fs.Usage()
		return nil, usageError("%d arguments given, %s", len(pos), want(minArgs, maxArgs))
	}
	return pos, nil
}

func want(lo, hi int) string {
	switch {
	case lo == hi:
		return fmt.Sprintf("want %d", lo)
	case hi > 100:
		return fmt.Sprintf("want at least %d", lo)
	}
	return fmt.Sprintf("want %d to %d", lo, hi)
}

// listFlag is a repeatable, comma-separated flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	for s := range strings.SplitSeq(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}
