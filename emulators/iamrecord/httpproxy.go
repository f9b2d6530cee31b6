package iamrecord

import (
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"time"
)

// HTTPClassifier returns the operations of an HTTP request. It may look at
// the backend (to know whether an upload overwrites an object); the body
// must be left readable.
type HTTPClassifier func(r *http.Request) []Op

// HTTPProxy forwards HTTP to an emulator and records each request's
// operations for one principal.
type HTTPProxy struct {
	addr string
	srv  *http.Server
}

// StartHTTP serves a recording proxy to backend on a free loopback port.
func StartHTTP(principal, backend string, rec *Recorder, classify HTTPClassifier) (*HTTPProxy, error) {
	u, err := url.Parse(backend)
	if err != nil {
		return nil, err
	}
	// The backend's own Host: fake-gcs-server reads any other host of an
	// XML API request as a virtual-hosted bucket name (PublicHost), so a
	// download through the proxy would find no object.
	rp := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) { pr.SetURL(u) }, FlushInterval: -1}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &HTTPProxy{addr: l.Addr().String()}
	p.srv = &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.Add(principal, classify(r)...)
		rp.ServeHTTP(w, r)
	})}
	go func() { _ = p.srv.Serve(l) }()
	return p, nil
}

// Addr is the proxy's host:port.
func (p *HTTPProxy) Addr() string { return p.addr }

// Close stops the proxy.
func (p *HTTPProxy) Close() error { return p.srv.Close() }
