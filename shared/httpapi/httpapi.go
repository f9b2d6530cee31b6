package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
)

// MaxBody is the largest request body accepted.
const MaxBody = 64 << 10

// Error is an answer to a request that failed.
type Error struct {
	Code    int    // HTTP status
	Status  string // Google's canonical status name
	Message string
	Details []any
	cause   error
}

func (e *Error) Error() string { return e.Message }
func (e *Error) Unwrap() error { return e.cause }

func newError(code int, status, format string, args ...any) *Error {
	return &Error{Code: code, Status: status, Message: fmt.Sprintf(format, args...)}
}

// Constructors for the answers the API gives.
func BadRequest(format string, args ...any) *Error {
	return newError(http.StatusBadRequest, "INVALID_ARGUMENT", format, args...)
}
func Unauthenticated(format string, args ...any) *Error {
	return newError(http.StatusUnauthorized, "UNAUTHENTICATED", format, args...)
}
func PermissionDenied(format string, args ...any) *Error {
	return newError(http.StatusForbidden, "PERMISSION_DENIED", format, args...)
}
func NotFound(format string, args ...any) *Error {
	return newError(http.StatusNotFound, "NOT_FOUND", format, args...)
}
func Conflict(format string, args ...any) *Error {
	return newError(http.StatusConflict, "ALREADY_EXISTS", format, args...)
}
func FailedPrecondition(format string, args ...any) *Error {
	return newError(http.StatusConflict, "FAILED_PRECONDITION", format, args...)
}
func TooLarge(format string, args ...any) *Error {
	return newError(http.StatusRequestEntityTooLarge, "INVALID_ARGUMENT", format, args...)
}
func Unavailable(format string, args ...any) *Error {
	return newError(http.StatusServiceUnavailable, "UNAVAILABLE", format, args...)
}

// Internal is a 500 that says what the caller may do, keeping cause for
// the log only.
func Internal(cause error, format string, args ...any) *Error {
	e := newError(http.StatusInternalServerError, "INTERNAL", format, args...)
	e.cause = cause
	return e
}

// WithDetails returns e with details attached.
func (e *Error) WithDetails(d ...any) *Error {
	e.Details = append(e.Details, d...)
	return e
}

// Write sends err as JSON. An error that is not an *Error is logged and
// answered with a 500 that reveals nothing of it.
func Write(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	var e *Error
	if !errors.As(err, &e) {
		log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "error", err)
		e = newError(http.StatusInternalServerError, "INTERNAL", "The request failed on our side. It is safe to try again; if it keeps failing, contact support.")
	} else if e.Code >= 500 {
		cause := err
		if e.cause != nil {
			cause = e.cause
		}
		log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "error", cause)
	}
	body := map[string]any{"code": e.Code, "status": e.Status, "message": e.Message}
	if len(e.Details) > 0 {
		body["details"] = e.Details
	}
	if e.Code == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
	}
	JSON(w, e.Code, map[string]any{"error": body})
}

// JSON writes v with status code.
func JSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// Decode reads a JSON body into v strictly: at most MaxBody bytes, known
// fields only, one value. An empty body decodes as {} when allowEmpty.
func Decode(r *http.Request, v any, allowEmpty bool) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return BadRequest("The request body must be JSON (Content-Type: application/json), not %q.", ct)
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, MaxBody+1))
	if err != nil {
		return BadRequest("The request body could not be read: %v.", err)
	}
	if len(data) > MaxBody {
		return TooLarge("The request body is larger than %d bytes.", MaxBody)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		if allowEmpty {
			return nil
		}
		return BadRequest("The request body is empty; a JSON object is required.")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return BadRequest("The request body is not valid: %s.", describe(err))
	}
	// More would let a stray "}" or "]" after the value through.
	if _, err := dec.Token(); err != io.EOF {
		return BadRequest("The request body must hold one JSON object and nothing after it.")
	}
	return nil
}

func describe(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("malformed JSON at byte %d", se.Offset)
	case errors.As(err, &te):
		return fmt.Sprintf("field %q must be %s", te.Field, te.Type)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field ")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the JSON ends too early"
	}
	return "it is not a JSON object of the expected shape"
}
