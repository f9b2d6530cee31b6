package workspace

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/orgexport/orgexport/emulators/fieldmask"
)

// obj is a JSON object as the APIs return it.
type obj = map[string]any

var statusNames = map[int]string{400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED",
	404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}

// apiError is an error in Google's JSON shape.
type apiError struct {
	code            int
	reason, message string
}

func (e apiError) Error() string { return e.message }

// problemError is an error with its own google.rpc status (one other than
// the code's usual) or details.
type problemError struct {
	apiError
	status  string
	details []obj
}

// invalidArgument is the 400 INVALID_ARGUMENT of the status-shaped APIs,
// with a BadRequest detail naming the field when there is one.
func invalidArgument(field, msg string) problemError {
	pe := problemError{apiError: apiError{400, "badRequest", msg}, status: "INVALID_ARGUMENT"}
	if field != "" {
		pe.details = []obj{{"@type": "type.googleapis.com/google.rpc.BadRequest",
			"fieldViolations": []obj{{"field": field, "description": msg}}}}
	}
	return pe
}

func badRequest(msg string) apiError { return apiError{400, "badRequest", msg} }
func notFound(msg string) apiError   { return apiError{404, "notFound", msg} }
func forbidden(msg string) apiError  { return apiError{403, "forbidden", msg} }

// statusShaped are the APIs whose errors carry only google.rpc's status
// and details, with no errors[] (Chat, Keep, People, Classroom, Vault);
// the others (Gmail, Drive, Calendar, Directory, Groups Settings, Cloud
// Storage) send errors[].reason as well. See the README, "Error shapes".
var statusShaped = map[string]bool{"chat": true, "keep": true, "people": true, "classroom": true, "vault": true}

// shapedWriter carries the API a response is of, so that every error
// written on it (by auth, faults or the handler) takes the API's shape.
type shapedWriter struct {
	http.ResponseWriter
	api string
}

func (w *shapedWriter) errorAPI() string { return w.api }

// Flush lets http.ServeContent and the truncating fault flush.
func (w *shapedWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// errorAPI is the API of the response w writes, or "".
func errorAPI(w http.ResponseWriter) string {
	if a, ok := w.(interface{ errorAPI() string }); ok {
		return a.errorAPI()
	}
	return ""
}

// writeError writes Google's error body in the API's shape.
func writeError(w http.ResponseWriter, e apiError) { writeProblem(w, e, "", nil) }

// writeProblem writes an error with a status other than the code's usual
// one (status "" means the usual) and google.rpc details:
// {"error":{"code","message","status","details"}} for the status-shaped
// APIs, {"error":{"code","message","status","errors":[{"reason"}]}} (and
// details, if any) for the others.
func writeProblem(w http.ResponseWriter, e apiError, status string, details []obj) {
	if status == "" {
		status = statusNames[e.code]
	}
	body := obj{"code": e.code, "message": e.message, "status": status}
	if !statusShaped[errorAPI(w)] {
		body["errors"] = []obj{{"message": e.message, "domain": "global", "reason": e.reason}}
	}
	if len(details) > 0 {
		body["details"] = details
	}
	writeJSONStatus(w, e.code, obj{"error": body})
}

func writeJSONStatus(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(code)
	_, _ = w.Write(append(b, '\n'))
}

// reply applies the request's fields parameter (or def when it has none)
// and writes v.
func reply(w http.ResponseWriter, r *http.Request, v obj, def string) {
	mask := r.URL.Query().Get("fields")
	if mask == "" {
		mask = def
	}
	if mask != "" && mask != "*" {
		sel, err := fieldmask.Parse(mask)
		if err != nil {
			writeError(w, apiError{400, "invalidParameter", "Invalid field selection " + mask})
			return
		}
		v = sel.Apply(v).(obj)
	}
	writeJSONStatus(w, http.StatusOK, v)
}

// page reads pageToken and a page size parameter and returns the row range
// [start, start+size).
func page(r *http.Request, sizeParam string, def, max int) (start, size int, err error) {
	q := r.URL.Query()
	size = def
	if s := q.Get(sizeParam); s != "" {
		size, err = strconv.Atoi(s)
		if err != nil || size < 1 {
			return 0, 0, apiError{400, "invalidParameter", "Invalid value for " + sizeParam}
		}
		size = min(size, max)
	}
	if t := q.Get("pageToken"); t != "" {
		start, err = strconv.Atoi(t)
		if err != nil || start < 0 {
			return 0, 0, apiError{400, "invalid", "Invalid pageToken"}
		}
	}
	return start, size, nil
}

// zeroPage is page for the APIs where a page size of 0 means unspecified
// (Classroom, Chat: AIP-158); a negative one is INVALID_ARGUMENT.
func zeroPage(r *http.Request, sizeParam string, def, max int) (start, size int, err error) {
	switch v := r.URL.Query().Get(sizeParam); {
	case v == "0":
		q := r.URL.Query()
		q.Del(sizeParam)
		r2 := *r
		u := *r.URL
		u.RawQuery = q.Encode()
		r2.URL = &u
		return page(&r2, sizeParam, def, max)
	case strings.HasPrefix(v, "-"):
		return 0, 0, invalidArgument(sizeParam, "page_size must not be negative")
	}
	return page(r, sizeParam, def, max)
}

// handle adapts a handler returning an error to http.HandlerFunc.
func handle(f func(w http.ResponseWriter, r *http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := f(w, r); err != nil {
			var pe problemError
			if errors.As(err, &pe) {
				writeProblem(w, pe.apiError, pe.status, pe.details)
				return
			}
			e, ok := err.(apiError)
			if !ok {
				e = apiError{500, "backendError", err.Error()}
			}
			writeError(w, e)
		}
	}
}

func boolParam(r *http.Request, name string) bool { return r.URL.Query().Get(name) == "true" }
