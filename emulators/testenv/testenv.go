package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/orgexport/orgexport/emulators/gcloud"
	"github.com/orgexport/orgexport/emulators/gcs"
)

// Services selects the built-in services Run starts.
type Services uint

// The built-in services.
const (
	Firestore Services = 1 << iota
	PubSub
	Storage
)

// Service is one more local service: Run starts it once, after the built-in
// ones, Get resets it before each test, and Run stops it at the end.
type Service interface {
	// Name says which service it is, in errors.
	Name() string
	// Start runs the service for project and returns the environment
	// variables that point clients at it.
	Start(ctx context.Context, project string) (env map[string]string, err error)
	Reset(ctx context.Context) error
	Stop() error
}

// Variables Run sets.
const (
	EnvFirestore = gcloud.EnvFirestore
	EnvPubSub    = gcloud.EnvPubSub
	EnvStorage   = gcs.EnvStorage
	EnvProject   = "GOOGLE_CLOUD_PROJECT"
)

// stack is what Run started, shared by the package's tests.
type stack struct {
	project   string
	firestore *gcloud.Emulator
	pubsub    *gcloud.Emulator
	storage   string // host:port
	extra     []Service
	stops     []func() error // in start order

	mu     sync.Mutex
	active string // name of the test holding the stack
	seq    int
}

var (
	current  *stack
	stopOnce sync.Once
)

// Run starts the services, runs the tests and stops the services. It
// returns the exit code for os.Exit.
func Run(m *testing.M, s Services, extra ...Service) int {
	if !flag.Parsed() {
		flag.Parse() // for testing.Verbose
	}
	st, err := start(context.Background(), s, extra)
	if st != nil {
		defer st.stop()
		stopOnSignal(st)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "testenv:", err)
		return 1
	}
	current = st
	return m.Run()
}

// stopOnSignal stops the services when the test binary is interrupted.
func stopOnSignal(st *stack) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig := <-ch
		fmt.Fprintf(os.Stderr, "testenv: %v: stopping emulators\n", sig)
		st.stop()
		os.Exit(1)
	}()
}

func (st *stack) stop() {
	stopOnce.Do(func() {
		for i := len(st.stops) - 1; i >= 0; i-- {
			_ = st.stops[i]()
		}
	})
}

// newProject makes a project id unique to this run, valid for Google Cloud.
func newProject() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return "test-" + hex.EncodeToString(b)
}

func start(ctx context.Context, s Services, extra []Service) (*stack, error) {
	st := &stack{project: newProject(), extra: extra}
	begin := time.Now()
	if err := st.startBuiltins(ctx, s); err != nil {
		return st, err
	}
	if err := os.Setenv(EnvProject, st.project); err != nil {
		return st, err
	}
	for _, x := range extra {
		env, err := x.Start(ctx, st.project)
		if err != nil {
			return st, fmt.Errorf("start %s: %w", x.Name(), err)
		}
		st.stops = append(st.stops, x.Stop)
		if err := setenv(env); err != nil {
			return st, err
		}
	}
	if testing.Verbose() {
		fmt.Fprintf(os.Stderr, "testenv: project %s ready after %v\n", st.project, time.Since(begin).Round(time.Millisecond))
	}
	return st, nil
}

func setenv(env map[string]string) error {
	for k, v := range env {
		if err := os.Setenv(k, v); err != nil {
			return err
		}
	}
	return nil
}

// startBuiltins starts (or attaches to) Firestore, Pub/Sub and Storage.
func (st *stack) startBuiltins(ctx context.Context, s Services) error {
	var g errgroup.Group
	var mu sync.Mutex
	if s&Firestore != 0 {
		g.Go(func() error {
			e, err := startGcloud(ctx, EnvFirestore, st.project, gcloud.StartFirestore, gcloud.AttachFirestore)
			mu.Lock()
			defer mu.Unlock()
			st.firestore = st.keep(e)
			return err
		})
	}
	if s&PubSub != 0 {
		g.Go(func() error {
			e, err := startGcloud(ctx, EnvPubSub, st.project, gcloud.StartPubSub, gcloud.AttachPubSub)
			mu.Lock()
			defer mu.Unlock()
			st.pubsub = st.keep(e)
			return err
		})
	}
	err := g.Wait()
	if err == nil && s&Storage != 0 {
		err = st.startStorage()
	}
	if err != nil {
		return err
	}
	for _, e := range []*gcloud.Emulator{st.firestore, st.pubsub} {
		if e != nil {
			if err := setenv(e.Env()); err != nil {
				return err
			}
		}
	}
	return nil
}

func (st *stack) keep(e *gcloud.Emulator) *gcloud.Emulator {
	if e != nil {
		st.stops = append(st.stops, e.Stop)
	}
	return e
}

type startFunc func(context.Context, gcloud.Options) (*gcloud.Emulator, error)

// startGcloud attaches to the emulator named by envVar if it is set, else
// starts one.
func startGcloud(ctx context.Context, envVar, project string, run startFunc, attach func(host, project string) *gcloud.Emulator) (*gcloud.Emulator, error) {
	if host := os.Getenv(envVar); host != "" {
		return attach(host, project), nil
	}
	return run(ctx, gcloud.Options{Project: project})
}

func (st *stack) startStorage() error {
	if host := os.Getenv(EnvStorage); host != "" {
		st.storage = host
		return nil
	}
	srv, err := gcs.Start(gcs.Options{})
	if err != nil {
		return err
	}
	st.stops = append(st.stops, func() error { srv.Stop(); return nil })
	st.storage = srv.HostPort()
	return setenv(srv.Env())
}

var errNoRun = errors.New("testenv.Get called without testenv.Run in TestMain")
