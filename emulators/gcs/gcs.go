package gcs

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

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
	http *http.Server
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
		Scheme: "http", Host: host, Port: port, StorageRoot: o.Root, NoListener: true,
		PublicHost: net.JoinHostPort(host, strconv.Itoa(int(port))), Writer: o.Log,
	})
	if err != nil {
		return nil, fmt.Errorf("storage emulator on %s: %w", o.Addr, err)
	}
	addr := net.JoinHostPort(host, strconv.Itoa(int(port)))
	l, err := net.Listen("tcp", addr)
	if err != nil {
		fake.Stop()
		return nil, fmt.Errorf("storage emulator on %s: %w", o.Addr, err)
	}
	s := &Server{fake: fake, host: addr, http: &http.Server{Handler: batch(partial(forward(pages(fake.HTTPHandler())))), ReadHeaderTimeout: time.Minute}}
	go s.http.Serve(l)
	for _, b := range o.Buckets {
		s.CreateBucket(b)
	}
	return s, nil
}

// MaxListPage is the most objects Cloud Storage returns in one page of a
// listing, whatever maxResults asks for ("the service uses this parameter
// or 1,000 items, whichever is smaller": objects.list). fake-gcs-server
// returns every object at once when maxResults is absent, which would let
// a client that reads a whole page into memory pass here and swell in the
// cloud.
const MaxListPage = 1000

// pages caps the page size of JSON API object listings at MaxListPage.
func pages(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && isObjectList(r.URL.Path) {
			q := r.URL.Query()
			if n, err := strconv.Atoi(q.Get("maxResults")); q.Get("maxResults") == "" || err == nil && n > MaxListPage {
				q.Set("maxResults", strconv.Itoa(MaxListPage))
				r.URL.RawQuery = q.Encode()
			}
		}
		next.ServeHTTP(w, r)
	})
}

// isObjectList tells whether path is a JSON API listing of a bucket's
// objects: /storage/v1/b/BUCKET/o.
func isObjectList(path string) bool {
	_, obj, ok := objectPath(path)
	return ok && obj == ""
}

// isObject tells whether an escaped path names one object of the JSON
// API: /storage/v1/b/BUCKET/o/OBJECT.
func isObject(path string) bool {
	_, obj, ok := objectPath(path)
	return ok && obj != "" && !strings.Contains(obj, "/")
}

// objectPath splits a JSON API path /storage/v1/b/BUCKET/o[/OBJECT] into
// its bucket and object name (as it is in path); ok is false for any other
// path.
func objectPath(path string) (bucket, object string, ok bool) {
	rest, ok := strings.CutPrefix(path, "/storage/v1/b/")
	if !ok {
		return "", "", false
	}
	bucket, rest, ok = strings.Cut(rest, "/")
	if !ok || bucket == "" || (rest != "o" && !strings.HasPrefix(rest, "o/")) {
		return "", "", false
	}
	return bucket, strings.TrimPrefix(strings.TrimPrefix(rest, "o"), "/"), true
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
func (s *Server) Stop() {
	_ = s.http.Close()
	s.fake.Stop()
}
