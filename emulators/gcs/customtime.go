package gcs

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"
)

// forward refuses, as Cloud Storage does, an objects.patch or update that
// would move an object's Custom-Time back ("it can't be removed and it
// can't be set to an earlier datetime": the object metadata page), with
// 400. fake-gcs-server sets whatever it is given. The error's wording is
// ours; Google's is not quoted in its documentation.
func forward(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path := r.URL.EscapedPath()
		if (r.Method != http.MethodPatch && r.Method != http.MethodPut) || !isObject(path) || r.Body == nil {
			next.ServeHTTP(w, r)
			return
		}
		b, err := io.ReadAll(r.Body)
		if err != nil {
			writeError(w, http.StatusBadRequest, "reading the request: "+err.Error())
			return
		}
		r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
		var change struct {
			CustomTime *string `json:"customTime"`
		}
		if json.Unmarshal(b, &change) != nil || change.CustomTime == nil {
			next.ServeHTTP(w, r)
			return
		}
		to, err := time.Parse(time.RFC3339, *change.CustomTime)
		if err != nil {
			writeError(w, http.StatusBadRequest, "Invalid customTime: "+*change.CustomTime)
			return
		}
		get := httptest.NewRequest(http.MethodGet, path, nil).WithContext(r.Context())
		get.Host = r.Host
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, get)
		var now struct {
			CustomTime string `json:"customTime"`
		}
		if rec.Code == http.StatusOK && json.Unmarshal(rec.Body.Bytes(), &now) == nil && now.CustomTime != "" {
			if from, err := time.Parse(time.RFC3339, now.CustomTime); err == nil && to.Before(from) {
				writeError(w, http.StatusBadRequest, "Custom-Time of "+strings.TrimPrefix(r.URL.Path, "/storage/v1/b/")+
					" is "+now.CustomTime+" and cannot be set to an earlier time, "+*change.CustomTime)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}
