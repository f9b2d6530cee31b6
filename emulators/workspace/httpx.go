package workspace

import (
	"encoding/json"
	"net/http"
	"strconv"
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

func badRequest(msg string) apiError { return apiError{400, "badRequest", msg} }
func notFound(msg string) apiError   { return apiError{404, "notFound", msg} }
func forbidden(msg string) apiError  { return apiError{403, "forbidden", msg} }

// writeError writes Google's error body:
// {"error":{"code","message","errors":[{"reason"}],"status"}}.
func writeError(w http.ResponseWriter, e apiError) {
	writeJSONStatus(w, e.code, obj{"error": obj{
		"code": e.code, "message": e.message, "status": statusNames[e.code],
		"errors": []obj{{"message": e.message, "domain": "global", "reason": e.reason}},
	}})
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
		sel, err := parseFields(mask)
		if err != nil {
			writeError(w, apiError{400, "invalidParameter", "Invalid field selection " + mask})
			return
		}
		v = sel.apply(v).(obj)
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

// handle adapts a handler returning an error to http.HandlerFunc.
func handle(f func(w http.ResponseWriter, r *http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := f(w, r); err != nil {
			e, ok := err.(apiError)
			if !ok {
				e = apiError{500, "backendError", err.Error()}
			}
			writeError(w, e)
		}
	}
}

func boolParam(r *http.Request, name string) bool { return r.URL.Query().Get(name) == "true" }
