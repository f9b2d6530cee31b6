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

// problem is what a Google error body says, in either of its shapes:
// errors[].reason (Gmail, Drive, Calendar, Directory) or google.rpc's
// status with details (Chat, Keep, People, Classroom, Vault), whose
// ErrorInfo reasons join the reasons.
type problem struct {
	status  string
	reasons []string
	// daily: an ErrorInfo names a per-day quota limit, which waiting
	// seconds does not lift.
	daily bool
}

// classify decides from an HTTP status and the error body.
func classify(code int, p problem) Class {
	switch {
	case code == http.StatusUnauthorized || p.status == "UNAUTHENTICATED":
		return Fatal
	case p.daily || (code == http.StatusForbidden && p.has(quotaReasons)):
		return FinalForItem
	case code == http.StatusTooManyRequests, code >= 500, p.status == "RESOURCE_EXHAUSTED", p.status == "UNAVAILABLE":
		return Retry
	case code == http.StatusForbidden && p.has(rateReasons):
		return Retry
	}
	return FinalForItem
}

func (p problem) has(set map[string]bool) bool {
	for _, r := range p.reasons {
		if set[r] {
			return true
		}
	}
	return false
}

// parseProblem reads a Google API error body of either shape.
func parseProblem(body []byte) problem {
	var reply struct {
		Error struct {
			Errors []struct {
				Reason string `json:"reason"`
			} `json:"errors"`
			Status  string `json:"status"`
			Details []struct {
				Type     string            `json:"@type"`
				Reason   string            `json:"reason"`
				Metadata map[string]string `json:"metadata"`
			} `json:"details"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &reply) != nil {
		return problem{}
	}
	p := problem{status: reply.Error.Status}
	for _, e := range reply.Error.Errors {
		p.reasons = append(p.reasons, e.Reason)
	}
	for _, d := range reply.Error.Details {
		if d.Type != "type.googleapis.com/google.rpc.ErrorInfo" {
			continue
		}
		if d.Reason != "" {
			p.reasons = append(p.reasons, d.Reason)
		}
		if l := strings.ToLower(d.Metadata["quota_limit"]); strings.Contains(l, "perday") {
			p.daily = true
		}
	}
	return p
}

func apiProblem(e *googleapi.Error) problem {
	p := parseProblem([]byte(e.Body))
	if len(p.reasons) == 0 {
		for _, it := range e.Errors {
			p.reasons = append(p.reasons, it.Reason)
		}
	}
	return p
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
		if c := classify(ge.Code, apiProblem(ge)); c == Fatal {
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
	return describe(ge.Code, apiProblem(ge), ge.Message)
}

func describe(code int, p problem, msg string) string {
	detail := ""
	if msg != "" {
		detail = ": " + msg
	}
	has := p.has
	why := p.reasons
	if len(why) == 0 && p.status != "" {
		why = []string{p.status}
	}
	switch {
	case code == http.StatusNotFound || code == http.StatusGone:
		return "not found; it may have been deleted during the export" + detail
	case p.daily || (code == http.StatusForbidden && has(quotaReasons)):
		return "the Google API quota for this user is used up for today; export it again later" + detail
	case code == http.StatusTooManyRequests || p.status == "RESOURCE_EXHAUSTED" || (code == http.StatusForbidden && has(rateReasons)):
		return "Google kept rate-limiting the requests, and retries with backoff ran out" + detail
	case code >= 500:
		return fmt.Sprintf("Google's service kept failing (HTTP %d) after retries", code) + detail
	case code == http.StatusUnauthorized:
		return "the export is not authorised to read this account; check domain-wide delegation" + detail
	case code == http.StatusForbidden:
		return "access denied (" + strings.Join(why, ", ") + ")" + detail
	}
	return fmt.Sprintf("the Google API refused the request (HTTP %d)", code) + detail
}
