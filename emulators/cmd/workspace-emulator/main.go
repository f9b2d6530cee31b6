package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

type flags struct {
	addr, preset, domain, now, faults, keyFile string
	seed                                       int64
	users, messages, files                     int
	maxFileSize                                int64
	hostile, metadataOnly, youngCustomer       bool
	nested                                     bool
}

func main() {
	var f flags
	flag.StringVar(&f.addr, "addr", "127.0.0.1:8086", "address to listen on (port 0 picks one)")
	flag.StringVar(&f.preset, "preset", "demo", "organisation size: tiny, demo or large")
	flag.Int64Var(&f.seed, "seed", 1, "seed of the synthetic organisation")
	flag.IntVar(&f.users, "users", 0, "override the preset's number of users")
	flag.IntVar(&f.messages, "messages-per-user", -1, "override the preset's messages per user")
	flag.IntVar(&f.files, "files-per-user", -1, "override the preset's generated Drive files per user")
	flag.Int64Var(&f.maxFileSize, "max-file-size", 0, "override the preset's largest binary file, in bytes")
	flag.StringVar(&f.domain, "domain", "", "override the domain (default example.com)")
	flag.StringVar(&f.now, "now", "", "reference time, RFC 3339 (default: the start of the current hour)")
	flag.BoolVar(&f.nested, "nested-folders", false, "put the generated Drive files in a tree of folders (synth.Options.NestedFolders)")
	flag.BoolVar(&f.hostile, "hostile", false, "add hostile names and content")
	flag.BoolVar(&f.metadataOnly, "metadata-only", false, "users without any data")
	flag.BoolVar(&f.youngCustomer, "young-customer", false, "an organisation created 10 days ago")
	flag.StringVar(&f.faults, "faults", "", "JSON file of fault injection settings")
	flag.StringVar(&f.keyFile, "key-file", "", "write the delegation service account key here")
	flag.Parse()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(f, logger); err != nil {
		logger.Error("workspace-emulator", "err", err)
		os.Exit(1)
	}
}

func run(f flags, logger *slog.Logger) error {
	// Catch signals before the URL is printed: whoever reads it may stop us at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	opt, err := options(f)
	if err != nil {
		return err
	}
	org, err := synth.New(opt)
	if err != nil {
		return err
	}
	var faults workspace.Faults
	if f.faults != "" {
		b, err := os.ReadFile(f.faults)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(b, &faults); err != nil {
			return fmt.Errorf("faults %s: %w", f.faults, err)
		}
	}
	s, err := workspace.Start(workspace.Config{Org: org, Faults: faults, Logger: logger}, f.addr)
	if err != nil {
		return err
	}
	if f.keyFile != "" {
		if err := os.WriteFile(f.keyFile, s.ServiceAccountKey(), 0o600); err != nil {
			_ = s.Close()
			return fmt.Errorf("key file: %w", err)
		}
	}
	fmt.Println(s.URL())
	logger.Info("serving", "url", s.URL(), "preset", f.preset, "seed", opt.Seed, "users", opt.Users,
		"domain", opt.Domain, "now", opt.Now.Format(time.RFC3339), "issuer", s.IssuerURL())
	<-ctx.Done()
	logger.Info("stopping")
	return s.Close()
}

func options(f flags) (synth.Options, error) {
	opt, err := synth.Preset(f.preset, f.seed)
	if err != nil {
		return opt, err
	}
	opt.Now = time.Now().UTC().Truncate(time.Hour)
	if f.now != "" {
		if opt.Now, err = time.Parse(time.RFC3339, f.now); err != nil {
			return opt, fmt.Errorf("-now: %w", err)
		}
	}
	if f.users > 0 {
		opt.Users = f.users
	}
	if f.domain != "" {
		opt.Domain = f.domain
	}
	if f.messages >= 0 {
		opt.MessagesPerUser = f.messages
	}
	if f.files >= 0 {
		opt.FilesPerUser = f.files
	}
	if f.maxFileSize > 0 {
		opt.MaxFileSize = f.maxFileSize
	}
	opt.Hostile, opt.MetadataOnly, opt.YoungCustomer = f.hostile, f.metadataOnly, f.youngCustomer
	opt.NestedFolders = f.nested
	return opt, nil
}
