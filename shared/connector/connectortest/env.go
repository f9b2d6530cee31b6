package connectortest

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	emulator "github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/config"
	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/delegation"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/pacer"
)

// Env is a running Workspace emulator with a client factory pointed at it.
type Env struct {
	Server  *emulator.Server
	Factory *delegation.Factory
	// Admin is the super administrator that reads customer-owned data.
	Admin string

	faults *faultCounter
}

// faultCounter counts the emulator's "fault injected" log records.
type faultCounter struct{ n atomic.Int64 }

func (c *faultCounter) Enabled(context.Context, slog.Level) bool { return true }
func (c *faultCounter) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "fault injected" {
		c.n.Add(1)
	}
	return nil
}
func (c *faultCounter) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c *faultCounter) WithGroup(string) slog.Handler      { return c }

// FaultsInjected is how many faults the emulator has injected so far.
func (env *Env) FaultsInjected() int64 { return env.faults.n.Load() }

// FastPacer retries at once, so fault tests take milliseconds.
var FastPacer = pacer.Options{MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}

// Start runs an emulator of the organisation for the test's duration and
// builds a Factory that reaches it through the production code path: the
// emulator serves IAM Credentials signJwt and the token endpoint. The
// Factory's traffic goes through the conformance harness (Strict), so the
// test fails on any request or answer the real APIs would not have.
func Start(t testing.TB, opts synth.Options) *Env {
	t.Helper()
	org, err := synth.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	faults := &faultCounter{}
	s, err := emulator.Start(emulator.Config{Org: org, Logger: slog.New(faults)}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	// Benchmarks measure the connector, not the harness: they go without.
	var transport http.RoundTripper
	if _, bench := t.(*testing.B); !bench {
		transport = Strict(t, nil)
	}
	f, err := delegation.New(context.Background(),
		config.Workspace{Endpoint: s.URL(), DelegationServiceAccount: s.DelegationAccount()},
		delegation.Options{Pacer: FastPacer, Transport: transport})
	if err != nil {
		t.Fatal(err)
	}
	return &Env{Server: s, Factory: f, Admin: "admin@" + opts.Domain, faults: faults}
}

// Accounts lists the organisation's accounts as the pipeline would hand
// them to connectors: not suspended users, whose products the pipeline
// lists as not available without running a connector (Google refuses to
// read them).
func (env *Env) Accounts() []connector.Account {
	var out []connector.Account
	for _, a := range env.Server.Accounts() {
		if a.Type == export.User && a.Suspended {
			continue
		}
		ca := connector.Account{Type: a.Type, ID: a.ID, Name: a.Name, Kind: a.Kind, Subject: a.ID}
		if a.Type != export.User {
			ca.Subject = env.Admin
		}
		out = append(out, ca)
	}
	return out
}

// Truth is the ground truth of the account's items of product p.
func (env *Env) Truth(a connector.Account, p export.Product) []synth.TruthItem {
	var out []synth.TruthItem
	for it := range env.Server.Truth(a.ID) {
		if it.Product == p {
			out = append(out, it)
		}
	}
	return out
}

// SetFaults replaces the emulator's faults for the rest of the test.
func (env *Env) SetFaults(t testing.TB, f emulator.Faults) {
	t.Helper()
	if err := env.Server.SetFaults(f); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Server.SetFaults(emulator.Faults{}) })
}

// FactoryWith returns a Factory like env.Factory whose requests go through
// transport (under the conformance harness), to watch what a connector
// asks the emulator.
func (env *Env) FactoryWith(t testing.TB, transport http.RoundTripper) *delegation.Factory {
	t.Helper()
	f, err := delegation.New(context.Background(),
		config.Workspace{Endpoint: env.Server.URL(), DelegationServiceAccount: env.Server.DelegationAccount()},
		delegation.Options{Pacer: FastPacer, Transport: Strict(t, transport)})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// Resumes is a transport that counts downloads resumed in the middle: a
// Range request from a byte after the first, answered 206 Partial Content.
type Resumes struct {
	n atomic.Int64
}

// RoundTrip implements http.RoundTripper.
func (r *Resumes) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err == nil && resp.StatusCode == http.StatusPartialContent &&
		strings.HasPrefix(req.Header.Get("Range"), "bytes=") && !strings.HasPrefix(req.Header.Get("Range"), "bytes=0-") {
		r.n.Add(1)
	}
	return resp, err
}

// Count is how many downloads were resumed so far.
func (r *Resumes) Count() int64 { return r.n.Load() }
