package notify

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrBadAddress is returned for a recipient or sender that is not one plain
// email address.
var ErrBadAddress = errors.New("notify: bad address")

// HeaderText makes s safe as a header value and as one line of text: CR,
// LF, other control characters and Unicode line or paragraph separators
// become spaces, runs of spaces collapse, and the ends are trimmed. No
// header can be injected through it.
func HeaderText(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsControl(r) || unicode.IsSpace(r) || r == '\u2028' || r == '\u2029' || r == unicode.ReplacementChar {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// address checks that s is one plain address ("a@example.com"), with no
// display name, no control characters and nothing else.
func address(s string) (string, error) {
	for _, r := range s {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			return "", fmt.Errorf("%w: %q contains a space or control character", ErrBadAddress, s)
		}
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return "", fmt.Errorf("%w: %q is not a plain email address", ErrBadAddress, s)
	}
	return a.Address, nil
}

// addresses checks every recipient; an email needs at least one.
func addresses(list []string) ([]string, error) {
	if len(list) == 0 {
		return nil, fmt.Errorf("%w: no recipients", ErrBadAddress)
	}
	out := make([]string, 0, len(list))
	for _, s := range list {
		a, err := address(s)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// subject makes the Subject value. Text that itself looks like an RFC 2047
// encoded word ("=?utf-8?q?…?=") would be decoded by mail clients, letting
// a domain or name smuggle line breaks into the displayed subject; such a
// subject is sent entirely as base64 encoded words, so it decodes to
// exactly the text given.
func subject(s string) string {
	s = HeaderText(s)
	if !strings.Contains(s, "=?") {
		return s
	}
	var words []string
	for len(s) > 0 {
		n := 0
		for n < len(s) {
			_, size := utf8.DecodeRuneInString(s[n:])
			if n > 0 && n+size > 30 {
				break
			}
			n += size
		}
		words = append(words, "=?UTF-8?b?"+base64.StdEncoding.EncodeToString([]byte(s[:n]))+"?=")
		s = s[n:]
	}
	return strings.Join(words, " ")
}
