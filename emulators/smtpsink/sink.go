package smtpsink

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Options configure a sink. The zero value is a plain-text server on a free
// loopback port without authentication.
type Options struct {
	// Addr is the address to listen on; empty means 127.0.0.1 on a free port.
	Addr string
	// TLSConfig, when set, makes the sink offer STARTTLS, or speak TLS from
	// the first byte when ImplicitTLS is set.
	TLSConfig   *tls.Config
	ImplicitTLS bool
	// Username and Password, when set, make AUTH PLAIN with them required
	// before a message is accepted.
	Username, Password string
	// Logger receives the server's errors; nil discards them.
	Logger *slog.Logger
}

// Sink is a running SMTP sink.
type Sink struct {
	dir    string
	opts   Options
	server *smtp.Server
	ln     net.Listener
	done   chan struct{}

	mu   sync.Mutex
	next int // number of the next file
}

// Start starts a sink on a free loopback port that writes to dir.
func Start(dir string) (*Sink, error) { return StartWith(dir, Options{}) }

// StartWith starts a sink with options.
func StartWith(dir string, o Options) (*Sink, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("smtpsink: %w", err)
	}
	existing, err := filepath.Glob(filepath.Join(dir, "*.eml"))
	if err != nil {
		return nil, fmt.Errorf("smtpsink: %w", err)
	}
	addr := o.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	var ln net.Listener
	if o.ImplicitTLS && o.TLSConfig != nil {
		ln, err = tls.Listen("tcp", addr, o.TLSConfig)
	} else {
		ln, err = net.Listen("tcp", addr)
	}
	if err != nil {
		return nil, fmt.Errorf("smtpsink: listen: %w", err)
	}
	s := &Sink{dir: dir, opts: o, ln: ln, done: make(chan struct{}), next: len(existing) + 1}
	s.server = smtp.NewServer(smtp.BackendFunc(s.newSession))
	s.server.Domain = "smtpsink.localhost"
	s.server.MaxMessageBytes = 32 << 20
	s.server.AllowInsecureAuth = o.TLSConfig == nil
	s.server.ErrorLog = errorLog{o.Logger}
	if !o.ImplicitTLS {
		s.server.TLSConfig = o.TLSConfig
	}
	go func() {
		defer close(s.done)
		if err := s.server.Serve(ln); err != nil && !errors.Is(err, smtp.ErrServerClosed) && o.Logger != nil {
			o.Logger.Error("smtpsink stopped", "err", err)
		}
	}()
	return s, nil
}

// Addr is the host:port the sink listens on.
func (s *Sink) Addr() string { return s.ln.Addr().String() }

// Dir is the directory the messages are written to.
func (s *Sink) Dir() string { return s.dir }

// Close stops the sink and closes its connections. The files stay.
func (s *Sink) Close() error {
	err := s.server.Close()
	// Serve may not have registered the listener yet; closing it here
	// makes Serve return in that case too.
	s.ln.Close()
	<-s.done
	if err != nil && !errors.Is(err, smtp.ErrServerClosed) {
		return fmt.Errorf("smtpsink: close: %w", err)
	}
	return nil
}

// store writes one received message atomically: to a temporary file first,
// renamed to its final name once complete.
func (s *Sink) store(from string, to []string, data io.Reader) error {
	s.mu.Lock()
	name := filepath.Join(s.dir, fmt.Sprintf("%06d.eml", s.next))
	s.next++
	s.mu.Unlock()
	tmp, err := os.CreateTemp(s.dir, ".incoming-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, err = fmt.Fprintf(tmp, "Return-Path: <%s>\r\nX-Sink-Envelope-To: %s\r\n", from, strings.Join(to, ", "))
	if err == nil {
		_, err = io.Copy(tmp, data)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}

type session struct {
	sink   *Sink
	authed bool
	from   string
	to     []string
}

func (s *Sink) newSession(*smtp.Conn) (smtp.Session, error) { return &session{sink: s}, nil }

func (ss *session) AuthMechanisms() []string {
	if ss.sink.opts.Username == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != ss.sink.opts.Username || pass != ss.sink.opts.Password {
			return smtp.ErrAuthFailed
		}
		ss.authed = true
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.sink.opts.Username != "" && !ss.authed {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	if err := ss.sink.store(ss.from, ss.to, r); err != nil {
		return fmt.Errorf("smtpsink: storing message: %w", err)
	}
	return nil
}

func (ss *session) Reset()        { ss.from, ss.to = "", nil }
func (ss *session) Logout() error { return nil }

// errorLog passes go-smtp's error log to slog, or drops it.
type errorLog struct{ l *slog.Logger }

func (e errorLog) Printf(format string, v ...any) {
	if e.l != nil {
		e.l.Warn("smtpsink: " + fmt.Sprintf(format, v...))
	}
}

func (e errorLog) Println(v ...any) {
	if e.l != nil {
		e.l.Warn("smtpsink: " + strings.TrimSpace(fmt.Sprintln(v...)))
	}
}
