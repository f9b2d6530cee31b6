package pacer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"

	"google.golang.org/api/googleapi"
)

// Class is what to do about a failed call.
type Class int

// Classes of failure, by behaviour.
const (
	// Retry: try again after a pause (rate limits, server errors).
	Retry Class = iota + 1
	// FinalForItem: this item cannot be exported; carry on with the next.
	FinalForItem
	// Fatal: no item will succeed (bad credentials, cancelled context).
	Fatal
)

func (c Class) String() string {
	switch c {
	case Retry:
		return "retry"
	case FinalForItem:
		return "final-for-item"
	case Fatal:
		return "fatal"
	}
	return "none"
}

// ErrNoToken marks a failure to get an access token for the subject.
// It is fatal: no item can be read without one. Token sources wrap it.
var ErrNoToken = errors.New("no access token")

// rateReasons are the 403 reasons that mean "slow down", not "no".
var rateReasons = map[string]bool{
	"rateLimitExceeded":     true,
	"userRateLimitExceeded": true,
}

// quotaReasons are the 403 reasons that mean the quota is used up for the
// period: waiting seconds does not help.
var quotaReasons = map[string]bool{
	"quotaExceeded":      true,
	"dailyLimitExceeded": true,
}

// classify decides from an HTTP status and the error body's reasons.
func classify(status int, reasons []string) Class {
	switch {
	case status == http.StatusTooManyRequests, status >= 500:
		return Retry
	case status == http.StatusUnauthorized:
		return Fatal
	case status == http.StatusForbidden:
		for _, r := range reasons {
			if quotaReasons[r] {
				return FinalForItem
			}
		}
		for _, r := range reasons {
			if rateReasons[r] {
				return Retry
			}
		}
	}
	return FinalForItem
}

// bodyReasons extracts the "reason" fields of a Google API error body.
func bodyReasons(body []byte) []string {
	var reply struct {
		Error struct {
			Errors []struct {
				Reason string `json:"reason"`
			} `json:"errors"`
			Status string `json:"status"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &reply) != nil {
		return nil
	}
	var out []string
	for _, e := range reply.Error.Errors {
		out = append(out, e.Reason)
	}
	return out
}

func apiReasons(e *googleapi.Error) []string {
	out := make([]string, 0, len(e.Errors))
	for _, it := range e.Errors {
		out = append(out, it.Reason)
	}
	if len(out) == 0 {
		out = bodyReasons([]byte(e.Body))
	}
	return out
}

// ClassOf says what to do about err, returned by a client call that already
// went through a Pacer: a Retry-class error here means the retries ran out,
// which is final for the item.
func ClassOf(err error) Class {
	if err == nil {
		return 0
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrNoToken) {
		return Fatal
	}
	var ge *googleapi.Error
	if errors.As(err, &ge) {
		if c := classify(ge.Code, apiReasons(ge)); c == Fatal {
			return Fatal
		}
		return FinalForItem
	}
	return FinalForItem
}

// transient reports whether a transport error (no HTTP answer) may go
// away on retry: network failures, not failures to get a token.
func transient(err error) bool {
	if errors.Is(err, ErrNoToken) {
		return false
	}
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED)
}

// Reason describes err for a person reading the export report.
func Reason(err error) string {
	if err == nil {
		return ""
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return "the export was stopped before this item was read"
	}
	var ge *googleapi.Error
	if !errors.As(err, &ge) {
		return err.Error()
	}
	return describe(ge.Code, apiReasons(ge), ge.Message)
}

func describe(code int, reasons []string, msg string) string {
	detail := ""
	if msg != "" {
		detail = ": " + msg
	}
	has := func(set map[string]bool) bool {
		for _, r := range reasons {
			if set[r] {
				return true
			}
		}
		return false
	}
	switch {
	case code == http.StatusNotFound || code == http.StatusGone:
		return "not found; it may have been deleted during the export" + detail
	case code == http.StatusForbidden && has(quotaReasons):
		return "the Google API quota for this user is used up for today; export it again later" + detail
	case code == http.StatusTooManyRequests || (code == http.StatusForbidden && has(rateReasons)):
		return "Google kept rate-limiting the requests, and retries with backoff ran out" + detail
	case code >= 500:
		return fmt.Sprintf("Google's service kept failing (HTTP %d) after retries", code) + detail
	case code == http.StatusUnauthorized:
		return "the export is not authorised to read this account; check domain-wide delegation" + detail
	case code == http.StatusForbidden:
		return "access denied (" + strings.Join(reasons, ", ") + ")" + detail
	}
	return fmt.Sprintf("the Google API refused the request (HTTP %d)", code) + detail
}
