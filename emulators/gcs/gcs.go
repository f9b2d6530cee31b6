package gcs

import (
	"fmt"
	"io"
	"net"
	"strconv"

	"github.com/fsouza/fake-gcs-server/fakestorage"
)

// EnvStorage is the variable the storage client reads.
const EnvStorage = "STORAGE_EMULATOR_HOST"

// Options configure the emulator. The zero value is ready to use.
type Options struct {
	// Addr to listen on; default 127.0.0.1:0 (a free loopback port).
	Addr string
	// Buckets to create at start.
	Buckets []string
	// Root, if set, keeps objects in files under it instead of in memory.
	Root string
	// Log receives fake-gcs-server's request log; nil discards it.
	Log io.Writer
}

// Server is a running Cloud Storage emulator.
type Server struct {
	fake *fakestorage.Server
	host string
}

// Start runs the emulator and returns once it accepts connections.
func Start(o Options) (*Server, error) {
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	// Listen first so a port of 0 is resolved before fake-gcs-server
	// builds its URLs; it then binds the same address.
	host, port, err := resolve(o.Addr)
	if err != nil {
		return nil, err
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	fake, err := fakestorage.NewServerWithOptions(fakestorage.Options{
		Scheme: "http", Host: host, Port: port, StorageRoot: o.Root,
		PublicHost: net.JoinHostPort(host, strconv.Itoa(int(port))), Writer: o.Log,
	})
	if err != nil {
		return nil, fmt.Errorf("storage emulator on %s: %w", o.Addr, err)
	}
	s := &Server{fake: fake, host: net.JoinHostPort(host, strconv.Itoa(int(port)))}
	for _, b := range o.Buckets {
		s.CreateBucket(b)
	}
	return s, nil
}

// resolve turns addr into a host and a concrete port, picking a free port
// for port 0.
func resolve(addr string) (string, uint16, error) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, fmt.Errorf("storage emulator address %q: %w", addr, err)
	}
	port, err := strconv.ParseUint(p, 10, 16)
	if err != nil {
		return "", 0, fmt.Errorf("storage emulator address %q: bad port", addr)
	}
	if port == 0 {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			return "", 0, fmt.Errorf("storage emulator: free port: %w", err)
		}
		port = uint64(l.Addr().(*net.TCPAddr).Port)
		l.Close()
	}
	return host, uint16(port), nil
}

// HostPort is the emulator's address, for STORAGE_EMULATOR_HOST.
func (s *Server) HostPort() string { return s.host }

// URL is the emulator's base URL (http://HOST:PORT).
func (s *Server) URL() string { return "http://" + s.host }

// Env holds STORAGE_EMULATOR_HOST pointing at the emulator.
func (s *Server) Env() map[string]string { return map[string]string{EnvStorage: s.host} }

// CreateBucket makes a bucket; an existing bucket is left as it is.
func (s *Server) CreateBucket(name string) {
	s.fake.CreateBucketWithOpts(fakestorage.CreateBucketOpts{Name: name})
}

// Stop closes the listener and drops the server's state.
func (s *Server) Stop() { s.fake.Stop() }
