package gcloud

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

// Options configure an emulator. The zero value is ready to use.
type Options struct {
	// Port to listen on, on 127.0.0.1; 0 picks a free one.
	Port int
	// Project that Reset clears; default DefaultProject.
	Project string
	// LogDir keeps the emulator's output in a file there. Empty means a
	// temporary file that Stop removes (a failed start keeps it and names it).
	LogDir string
	// StartTimeout bounds the wait for the emulator to answer; default 60s.
	StartTimeout time.Duration
	// Logger, if set, records start and stop.
	Logger *slog.Logger
}

// DefaultProject is the project Reset clears when Options.Project is empty.
const DefaultProject = "orgexport-local"

// kind says how to run and probe one emulator.
type kind struct {
	name      string // "firestore", "pubsub"
	component component
	envVar    string
	args      func(t toolchain, port int) []string
	ready     func(ctx context.Context, c *http.Client, host string) bool
	reset     func(ctx context.Context, c *http.Client, host, project string) error
}

// Emulator is a running Firestore or Pub/Sub emulator.
type Emulator struct {
	kind    kind
	host    string
	project string
	proc    *process
	took    time.Duration
	keepLog bool
	client  *http.Client
	logger  *slog.Logger
}

// start checks the prerequisites, runs the emulator and waits until it
// answers. A start that loses its port to another process is retried.
func start(ctx context.Context, k kind, o Options) (*Emulator, error) {
	tc, err := findToolchain(k.component)
	if err != nil {
		return nil, fmt.Errorf("%s emulator: %w", k.name, err)
	}
	if o.StartTimeout == 0 {
		o.StartTimeout = 60 * time.Second
	}
	if o.Project == "" {
		o.Project = DefaultProject
	}
	for attempt := 1; ; attempt++ {
		e, err := startOnce(ctx, k, tc, o)
		if err == nil || o.Port != 0 || attempt == 3 || !portInUse(err) {
			return e, err
		}
	}
}

func startOnce(ctx context.Context, k kind, tc toolchain, o Options) (*Emulator, error) {
	port := o.Port
	if port == 0 {
		var err error
		if port, err = freePort(); err != nil {
			return nil, fmt.Errorf("%s emulator: %w", k.name, err)
		}
	}
	begin := time.Now()
	proc, err := startProcess(tc.java, k.args(tc, port), o.LogDir, k.name+"-emulator")
	if err != nil {
		return nil, fmt.Errorf("%s emulator: %w", k.name, err)
	}
	e := &Emulator{kind: k, host: hostPort(port), project: o.Project, proc: proc,
		keepLog: o.LogDir != "", client: &http.Client{Timeout: 10 * time.Second}, logger: o.Logger}
	wctx, cancel := context.WithTimeout(ctx, o.StartTimeout)
	defer cancel()
	if err := proc.waitReady(wctx, func(ctx context.Context) bool { return k.ready(ctx, e.client, e.host) }); err != nil {
		proc.stop(true)
		return nil, fmt.Errorf("%s emulator on %s: %w", k.name, e.host, err)
	}
	e.took = time.Since(begin)
	if e.logger != nil {
		e.logger.Info("emulator started", "emulator", k.name, "host", e.host, "pid", proc.pid(), "took", e.took, "log", proc.logPath)
	}
	return e, nil
}

// attach returns a handle on an emulator that something else started, for
// Reset and Env; Stop leaves it running.
func attach(k kind, host, project string) *Emulator {
	if project == "" {
		project = DefaultProject
	}
	return &Emulator{kind: k, host: host, project: project, client: &http.Client{Timeout: 10 * time.Second}}
}

// HostPort is the emulator's address, 127.0.0.1:PORT.
func (e *Emulator) HostPort() string { return e.host }

// Env holds the variable that points the official client libraries at the
// emulator (FIRESTORE_EMULATOR_HOST or PUBSUB_EMULATOR_HOST).
func (e *Emulator) Env() map[string]string { return map[string]string{e.kind.envVar: e.host} }

// Project is the project Reset clears.
func (e *Emulator) Project() string { return e.project }

// Pid is the emulator JVM's process id (also its process group id); 0 for
// an attached emulator.
func (e *Emulator) Pid() int {
	if e.proc == nil {
		return 0
	}
	return e.proc.pid()
}

// LogPath is the file that receives the emulator's output; empty for an
// attached emulator.
func (e *Emulator) LogPath() string {
	if e.proc == nil {
		return ""
	}
	return e.proc.logPath
}

// StartupTime is how long the emulator took from exec to answering.
func (e *Emulator) StartupTime() time.Duration { return e.took }

// Reset clears all data of the emulator's project (see Options.Project).
func (e *Emulator) Reset(ctx context.Context) error { return e.ResetProject(ctx, e.project) }

// ResetProject clears all data of one project: every document for
// Firestore; every subscription and topic for Pub/Sub.
func (e *Emulator) ResetProject(ctx context.Context, project string) error {
	if err := e.kind.reset(ctx, e.client, e.host, project); err != nil {
		return fmt.Errorf("%s emulator: reset %s: %w", e.kind.name, project, err)
	}
	return nil
}

// Stop ends the emulator and everything it started: SIGTERM to its process
// group, SIGKILL after a grace period. It is safe to call more than once.
func (e *Emulator) Stop() error {
	if e.proc == nil {
		return nil
	}
	select {
	case <-e.proc.exited:
		return nil
	default:
	}
	err := e.proc.stop(e.keepLog)
	if e.logger != nil {
		e.logger.Info("emulator stopped", "emulator", e.kind.name, "host", e.host)
	}
	return err
}
