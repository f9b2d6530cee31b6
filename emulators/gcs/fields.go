package gcs

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"

	"github.com/orgexport/orgexport/emulators/fieldmask"
)

// Cloud Storage answers a JSON API request that has a fields parameter
// with only the fields it names (a partial response: "fields=generation",
// "fields=items(name,size),nextPageToken", "a/b" for a(b), "*" for every
// field), and a bad one with 400. fake-gcs-server ignores the parameter
// and sends whole resources, so a client measured against it would decode
// far more than in the cloud; partial answers with what Cloud Storage
// would send.
func partial(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		spec := r.URL.Query().Get("fields")
		if spec == "" || !strings.HasPrefix(r.URL.Path, "/storage/v1/") || r.URL.Query().Get("alt") == "media" {
			next.ServeHTTP(w, r)
			return
		}
		sel, err := fieldmask.Parse(spec)
		if err != nil {
			writeError(w, http.StatusBadRequest, "Invalid field selection "+spec+": "+err.Error())
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		if rec.Code == http.StatusOK && strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
			var v any
			d := json.NewDecoder(bytes.NewReader(body))
			d.UseNumber()
			if d.Decode(&v) == nil {
				if b, err := json.Marshal(sel.Apply(v)); err == nil {
					body = b
				}
			}
		}
		for k, vs := range rec.Header() {
			w.Header()[k] = vs
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(rec.Code)
		w.Write(body)
	})
}

func writeError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"code": code, "message": msg,
		"errors": []any{map[string]any{"domain": "global", "reason": "invalidParameter", "message": msg}}}})
}
