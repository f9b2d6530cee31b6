package config

import (
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Getenv is the source of variables; os.Getenv in production, a map in tests.
type Getenv func(string) string

// reader reads variables and collects every problem, so one start reports all
// of them rather than the first.
type reader struct {
	get  Getenv
	errs []error
	used []string
}

func newReader(get Getenv) *reader {
	if get == nil {
		get = os.Getenv
	}
	return &reader{get: get}
}

func (r *reader) fail(name, format string, args ...any) {
	r.errs = append(r.errs, fmt.Errorf("%s: %s", name, fmt.Sprintf(format, args...)))
}

func (r *reader) raw(name string) string {
	r.used = append(r.used, name)
	return strings.TrimSpace(r.get(name))
}

// str reads a required string.
func (r *reader) str(name string) string {
	v := r.raw(name)
	if v == "" {
		r.fail(name, "is required but not set")
	}
	return v
}

// strOr reads an optional string with a default.
func (r *reader) strOr(name, def string) string {
	if v := r.raw(name); v != "" {
		return v
	}
	return def
}

// url reads a required absolute http(s) URL.
func (r *reader) url(name string) string {
	v := r.str(name)
	if v == "" {
		return ""
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		r.fail(name, "must be an absolute http(s) URL, got %q", v)
	}
	return strings.TrimRight(v, "/")
}

// optURL reads an optional absolute http(s) URL.
func (r *reader) optURL(name string) string {
	if r.get(name) == "" {
		r.used = append(r.used, name)
		return ""
	}
	return r.url(name)
}

// email reads a required email address.
func (r *reader) email(name string) string {
	v := r.str(name)
	if v != "" {
		if a, err := mail.ParseAddress(v); err != nil || a.Address != v {
			r.fail(name, "must be a plain email address, got %q", v)
		}
	}
	return v
}

// emails reads a comma-separated list of email addresses.
func (r *reader) emails(name string, required bool) []string {
	v := r.raw(name)
	if v == "" {
		if required {
			r.fail(name, "is required but not set (a comma-separated list of email addresses)")
		}
		return nil
	}
	var out []string
	for _, s := range strings.Split(v, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if a, err := mail.ParseAddress(s); err != nil || a.Address != s {
			r.fail(name, "%q is not a plain email address", s)
			continue
		}
		out = append(out, strings.ToLower(s))
	}
	if required && len(out) == 0 {
		r.fail(name, "names no email address (%q); a comma-separated list of email addresses is required", v)
	}
	return out
}

// duration reads an optional Go duration (e.g. "48h") with a default and bounds.
func (r *reader) duration(name string, def, min, max time.Duration) time.Duration {
	v := r.raw(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		r.fail(name, "must be a duration such as 48h or 90s, got %q", v)
		return def
	}
	if d < min || d > max {
		r.fail(name, "must be between %s and %s, got %s", min, max, d)
		return def
	}
	return d
}

// size reads an optional byte size: a plain integer or one with a KiB, MiB or
// GiB suffix.
func (r *reader) size(name string, def, min, max int64) int64 {
	v := r.raw(name)
	if v == "" {
		return def
	}
	n, err := ParseSize(v)
	if err != nil {
		r.fail(name, "%v", err)
		return def
	}
	if n < min || n > max {
		r.fail(name, "must be between %d and %d bytes, got %d", min, max, n)
		return def
	}
	return n
}

// integer reads an optional integer with a default and bounds.
func (r *reader) integer(name string, def, min, max int) int {
	v := r.raw(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > max {
		r.fail(name, "must be a whole number from %d to %d, got %q", min, max, v)
		return def
	}
	return n
}

// oneOf reads an optional value from a fixed set.
func (r *reader) oneOf(name, def string, allowed ...string) string {
	v := r.raw(name)
	if v == "" {
		return def
	}
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	r.fail(name, "must be one of %s, got %q", strings.Join(allowed, ", "), v)
	return def
}

func (r *reader) err() error {
	if len(r.errs) == 0 {
		return nil
	}
	return fmt.Errorf("configuration: %w", errors.Join(r.errs...))
}

// ParseSize parses "2GiB", "512MiB", "64KiB" or a plain number of bytes.
func ParseSize(s string) (int64, error) {
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if strings.HasSuffix(s, u.suffix) {
			mult, s = u.mult, strings.TrimSuffix(s, u.suffix)
			break
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("must be a byte size such as 2GiB, 512MiB or 1048576, got %q", s)
	}
	return n * mult, nil
}
