package cloudtasks

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	pb "cloud.google.com/go/cloudtasks/apiv2/cloudtaskspb"
	"google.golang.org/api/option"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/orgexport/orgexport/emulators/duplicate"
	"github.com/orgexport/orgexport/emulators/oidcissuer"
)

// Options configure the emulator. The zero value listens on free loopback
// ports, in real time.
type Options struct {
	// GRPCAddr and HTTPAddr are the listen addresses; "127.0.0.1:0" when
	// empty.
	GRPCAddr string
	HTTPAddr string
	// Now is the clock for schedule times, backoff, rate limits and
	// tombstones (time.Now when nil). After moving an injected clock, call
	// Server.Tick. Dispatch deadlines bound real HTTP requests and OIDC
	// tokens are verified by real handlers: both run in real time.
	Now func() time.Time
	// TombstoneWindow is how long the name of a task that ran or was
	// deleted stays unavailable; one hour when zero.
	TombstoneWindow time.Duration
	// MaxTaskSize is the largest task accepted, in bytes of its encoded
	// protocol buffer; 100 KiB when zero.
	MaxTaskSize int
	// RateCeiling is the highest max_dispatches_per_second a queue may
	// have; 500, the service's limit, when zero. Raise it to measure the
	// emulator rather than the limit.
	RateCeiling float64
	// Logger receives a debug record per dispatch; nothing is logged when
	// nil.
	Logger *slog.Logger
	// Client sends the dispatches; a client with a pooled transport when nil.
	Client *http.Client
	// Duplicate sends every dispatch a second time, concurrently with the
	// original or right after it answered (package emulators/duplicate);
	// Server.SetDuplicate changes it while running. Off when zero.
	Duplicate duplicate.Mode
}

// Server is a running emulator.
type Server struct {
	emu    *emulator
	cancel context.CancelFunc
	grpc   *grpc.Server
	http   *http.Server
	grpcLn net.Listener
	httpLn net.Listener
	done   chan struct{} // closed when the dispatcher has stopped
}

// Start listens on both addresses and starts serving and dispatching. ctx
// bounds only the start; Close stops the server.
func Start(ctx context.Context, o Options) (*Server, error) {
	var lc net.ListenConfig
	grpcLn, err := lc.Listen(ctx, "tcp", orDefault(o.GRPCAddr))
	if err != nil {
		return nil, fmt.Errorf("cloud tasks emulator: listen grpc: %w", err)
	}
	httpLn, err := lc.Listen(ctx, "tcp", orDefault(o.HTTPAddr))
	if err != nil {
		_ = grpcLn.Close()
		return nil, fmt.Errorf("cloud tasks emulator: listen http: %w", err)
	}
	emu, err := newEmulator(o, issuerURL(httpLn.Addr().(*net.TCPAddr)))
	if err != nil {
		_ = grpcLn.Close()
		_ = httpLn.Close()
		return nil, err
	}
	runCtx, cancel := context.WithCancel(context.Background())
	emu.ctx = runCtx
	s := &Server{emu: emu, cancel: cancel, grpc: grpc.NewServer(), grpcLn: grpcLn, httpLn: httpLn, done: make(chan struct{})}
	pb.RegisterCloudTasksServer(s.grpc, emu)
	mux := http.NewServeMux()
	mux.Handle("GET /tasks", http.HandlerFunc(emu.serveTaskList))
	mux.Handle("/", emu.issuer.Handler())
	s.http = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.grpc.Serve(grpcLn) }()
	go func() { _ = s.http.Serve(httpLn) }()
	go emu.run(s.done)
	return s, nil
}

func newEmulator(o Options, issuerURL string) (*emulator, error) {
	now := o.Now
	if now == nil {
		now = time.Now
	}
	// Tokens are verified by handlers in real time, whatever the schedule
	// clock says.
	iss, err := oidcissuer.New(issuerURL, time.Now)
	if err != nil {
		return nil, fmt.Errorf("cloud tasks emulator: %w", err)
	}
	e := &emulator{now: now, tombstoneFor: o.TombstoneWindow, maxTaskSize: o.MaxTaskSize, rateCeiling: o.RateCeiling, log: o.Logger,
		issuer: iss, tokens: newTokens(iss), client: o.Client, wake: make(chan struct{}, 1), queues: map[string]*queue{}}
	if e.tombstoneFor <= 0 {
		e.tombstoneFor = time.Hour
	}
	if e.rateCeiling <= 0 {
		e.rateCeiling = defaultRateCeiling
	}
	if e.maxTaskSize <= 0 {
		e.maxTaskSize = defaultMaxTaskSize
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	e.duplicates.Set(o.Duplicate)
	if e.client == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		// keep a connection per concurrent dispatch to a target: closing
		// and redialling them costs more than the dispatch
		tr.MaxIdleConns = 0
		tr.MaxIdleConnsPerHost = maxConcurrent
		e.client = &http.Client{Transport: tr}
	}
	return e, nil
}

// issuerURL is the URL of the HTTP listener; a wildcard address (":8124")
// is reached on loopback.
func issuerURL(a *net.TCPAddr) string {
	host := a.IP.String()
	if a.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(a.Port))
}

func orDefault(addr string) string {
	if addr == "" {
		return "127.0.0.1:0"
	}
	return addr
}

// Addr is the gRPC address (host:port) for option.WithEndpoint.
func (s *Server) Addr() string { return s.grpcLn.Addr().String() }

// ClientOptions are the options that connect the official client
// (cloud.google.com/go/cloudtasks/apiv2) to the emulator: its endpoint, no
// credentials, and a plaintext gRPC connection.
func (s *Server) ClientOptions() []option.ClientOption {
	return []option.ClientOption{
		option.WithEndpoint(s.Addr()),
		option.WithoutAuthentication(),
		option.WithGRPCDialOption(grpc.WithTransportCredentials(insecure.NewCredentials())),
	}
}

// HTTPAddr is the address (host:port) of the HTTP side: the OIDC discovery
// document, the JWKS and GET /tasks.
func (s *Server) HTTPAddr() string { return s.httpLn.Addr().String() }

// IssuerURL is the "iss" of the OIDC tokens the dispatches carry; OIDC
// discovery works against it.
func (s *Server) IssuerURL() string { return s.emu.issuer.URL() }

// Tick makes the dispatcher look at the schedule again now. Call it after
// moving an injected clock.
func (s *Server) Tick() { s.emu.signal() }

// InFlight is the number of dispatches whose request, or duplicate, has
// not been answered yet.
func (s *Server) InFlight() int { return int(s.emu.active.Load()) }

// SetDuplicate changes the duplicate-delivery mode of the dispatches that
// start from now on.
func (s *Server) SetDuplicate(m duplicate.Mode) { s.emu.duplicates.Set(m) }

// Close stops serving, cancels the attempts in flight and waits for them.
func (s *Server) Close() error {
	s.cancel()
	s.emu.mu.Lock()
	s.emu.closed = true
	s.emu.mu.Unlock()
	s.grpc.Stop()
	err := s.http.Close()
	<-s.done
	s.emu.inflight.Wait()
	s.emu.client.CloseIdleConnections()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}
