package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/wneessen/go-mail"

	"github.com/orgexport/orgexport/shared/config"
)

// Options are optional settings of a Sender; the zero value means defaults.
type Options struct {
	// Clock gives the Date header; nil means time.Now.
	Clock func() time.Time
	// TLSConfig is used for STARTTLS and implicit TLS; nil means the
	// system's roots and the configured host as server name.
	TLSConfig *tls.Config
	// Timeout bounds connecting and each SMTP exchange; 0 means 30 s.
	Timeout time.Duration
	// Logger records each email sent; nil discards.
	Logger *slog.Logger
}

// Sender sends the emails over SMTP. It is safe for concurrent use: each
// send uses its own connection.
type Sender struct {
	cfg    config.Mail
	from   string
	links  links
	opts   []mail.Option
	clock  func() time.Time
	logger *slog.Logger
}

// NewSender checks cfg and returns a Sender. Credentials with TLS mode
// "none" are accepted only for a loopback host, so a password never
// crosses a network in the clear.
func NewSender(cfg config.Mail, o Options) (*Sender, error) {
	from, err := address(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("notify: sender: %w", err)
	}
	if cfg.Host == "" || cfg.Port <= 0 || cfg.ConsoleURL == "" || cfg.ArchiveURL == "" {
		return nil, errors.New("notify: SMTP host, port, console URL and archive URL are required")
	}
	opts, err := clientOptions(cfg, o)
	if err != nil {
		return nil, err
	}
	s := &Sender{cfg: cfg, from: from, links: links{cfg.ConsoleURL, cfg.ArchiveURL}, opts: opts,
		clock: o.Clock, logger: o.Logger}
	if s.clock == nil {
		s.clock = time.Now
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	return s, nil
}

func clientOptions(cfg config.Mail, o Options) ([]mail.Option, error) {
	timeout := o.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	tlsConf := o.TLSConfig
	if tlsConf == nil {
		tlsConf = &tls.Config{ServerName: cfg.Host, MinVersion: tls.VersionTLS12}
	}
	opts := []mail.Option{mail.WithPort(cfg.Port), mail.WithTimeout(timeout), mail.WithTLSConfig(tlsConf)}
	switch cfg.TLS {
	case "none":
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	case "starttls":
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	case "tls":
		opts = append(opts, mail.WithSSL())
	default:
		return nil, fmt.Errorf("notify: TLS mode %q is not none, starttls or tls", cfg.TLS)
	}
	if cfg.Username != "" {
		if cfg.TLS == "none" && !isLoopback(cfg.Host) {
			return nil, fmt.Errorf("notify: refusing to send SMTP credentials unencrypted to %s; use starttls or tls", cfg.Host)
		}
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthPlain),
			mail.WithUsername(cfg.Username), mail.WithPassword(cfg.Password))
	}
	return opts, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// SendHoldNotice emails every super administrator that an export was
// requested (R3a). Not idempotent: see the package documentation.
func (s *Sender) SendHoldNotice(ctx context.Context, n HoldNotice) error {
	return s.send(ctx, "hold notice", n.ExportID, n.MessageID, n.To, n.content(s.links))
}

// SendCancellation emails that an export was cancelled (R3c, R3d). Not
// idempotent: see the package documentation.
func (s *Sender) SendCancellation(ctx context.Context, c Cancellation) error {
	return s.send(ctx, "cancellation", c.ExportID, c.MessageID, c.To, c.content(s.links))
}

// SendCompletion emails the requesting admin that the export finished
// (R11). Not idempotent: see the package documentation.
func (s *Sender) SendCompletion(ctx context.Context, c Completion) error {
	return s.send(ctx, "completion", c.ExportID, c.MessageID, []string{c.To}, c.content(s.links))
}

func (s *Sender) send(ctx context.Context, kind, exportID, messageID string, to []string, c content) error {
	m, err := s.message(to, messageID, c)
	if err != nil {
		return fmt.Errorf("notify: %s of export %s: %w", kind, exportID, err)
	}
	client, err := mail.NewClient(s.cfg.Host, s.opts...)
	if err != nil {
		return fmt.Errorf("notify: %s of export %s: %w", kind, exportID, err)
	}
	if err := client.DialAndSendWithContext(ctx, m); err != nil {
		return fmt.Errorf("notify: sending %s of export %s via %s:%d: %w", kind, exportID, s.cfg.Host, s.cfg.Port, err)
	}
	s.logger.InfoContext(ctx, "email sent", "kind", kind, "export_id", exportID, "recipients", len(to))
	return nil
}

// message builds the multipart/alternative message.
func (s *Sender) message(to []string, messageID string, c content) (*mail.Msg, error) {
	rcpts, err := addresses(to)
	if err != nil {
		return nil, err
	}
	text, html, err := c.render()
	if err != nil {
		return nil, err
	}
	m := mail.NewMsg()
	if err := m.From(s.from); err != nil {
		return nil, err
	}
	if err := m.To(rcpts...); err != nil {
		return nil, err
	}
	m.Subject(subject(c.Subject))
	m.SetDateWithValue(s.clock())
	if messageID != "" {
		// The same for every attempt of this email, so mail clients that
		// receive it twice show one message.
		m.SetMessageIDWithValue(HeaderText(messageID) + "@" + s.fromDomain())
	} else {
		m.SetMessageID()
	}
	m.SetGenHeader(mail.Header("Auto-Submitted"), "auto-generated")
	m.SetBodyString(mail.TypeTextPlain, text)
	m.AddAlternativeString(mail.TypeTextHTML, html)
	return m, nil
}

// fromDomain is the domain of the sender's address, the right part of the
// Message-IDs it makes.
func (s *Sender) fromDomain() string {
	_, d, _ := strings.Cut(s.cfg.From, "@")
	return d
}
