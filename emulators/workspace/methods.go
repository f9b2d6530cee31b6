package workspace

import (
	_ "embed"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/orgexport/orgexport/emulators/workspace/conformance"
)

// methodsJSON is the method table of the emulated APIs, generated from
// their discovery documents (methods_test.go, -update).
//
//go:embed methods.json
var methodsJSON []byte

var methods = func() *conformance.Table {
	var t conformance.Table
	if err := json.Unmarshal(methodsJSON, &t); err != nil {
		panic("workspace emulator: methods.json: " + err.Error())
	}
	return &t
}()

// checkParams refuses, as Google's API front end does, a request whose
// query parameters the method does not have or whose values are not of
// the parameter's type or enum: 400 INVALID_ARGUMENT. Only for the APIs
// behind that front end (OnePlatform: Directory, Gmail, Drive, People,
// Tasks, Keep, Chat, Classroom, Vault); Calendar, Groups Settings and
// Cloud Storage's older front end ignores unknown parameters, and so does
// the emulator. A path no method of the document serves is left to the
// routes.
func checkParams(api string, h http.Handler) http.Handler {
	at := methods.APIs[api]
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if at == nil || !at.OnePlatform {
			h.ServeHTTP(w, r)
			return
		}
		m := methods.Match(api, r.Method, strings.TrimPrefix(r.URL.EscapedPath(), "/"))
		if m == nil {
			h.ServeHTTP(w, r)
			return
		}
		for _, v := range methods.CheckQuery(api, m, r.URL.Query()) {
			if v.Kind == "required" {
				continue // the handlers answer a missing parameter in the API's words
			}
			writeProblem(w, apiError{400, "invalid", v.Message()}, "INVALID_ARGUMENT", []obj{{
				"@type":           "type.googleapis.com/google.rpc.BadRequest",
				"fieldViolations": []obj{{"field": v.Param, "description": v.Message()}},
			}})
			return
		}
		h.ServeHTTP(w, r)
	})
}
