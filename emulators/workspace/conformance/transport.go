package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
)

// Transport checks every request and answer between a client and the
// emulator (see the package documentation). Create it with NewTransport.
type Transport struct {
	base    http.RoundTripper
	table   *Table
	structs map[string]func() any
	// skip are path prefixes outside the APIs (token endpoint, IAM
	// signJwt, export links, the emulator's own endpoints).
	skip []string

	checked atomic.Int64

	mu         sync.Mutex
	violations []string
	seen       map[string]bool
}

// StatusShaped are the APIs whose errors carry google.rpc's status and
// details with no errors[] (the others send errors[].reason).
var StatusShaped = map[string]bool{"chat": true, "keep": true, "people": true, "classroom": true, "vault": true}

// NewTransport checks traffic of the given APIs through base (nil means
// http.DefaultTransport). structs maps a response schema, "api.Schema"
// ("chat.ListMembershipsResponse"), to a new client struct to decode it
// into strictly; skip are path prefixes not to check.
func NewTransport(base http.RoundTripper, structs map[string]func() any, skip []string, apis ...string) (*Transport, error) {
	if base == nil {
		base = http.DefaultTransport
	}
	t, err := BuildTable(apis...)
	if err != nil {
		return nil, err
	}
	return &Transport{base: base, table: t, structs: structs, skip: skip, seen: map[string]bool{}}, nil
}

// Checked is how many requests were checked.
func (t *Transport) Checked() int64 { return t.checked.Load() }

// Violations are the divergences seen so far, each once.
func (t *Transport) Violations() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.violations...)
}

func (t *Transport) report(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.seen[msg] {
		t.seen[msg] = true
		t.violations = append(t.violations, msg)
	}
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	path := strings.TrimPrefix(req.URL.EscapedPath(), "/")
	for _, p := range t.skip {
		if strings.HasPrefix("/"+path, p) {
			return t.base.RoundTrip(req)
		}
	}
	t.checked.Add(1)
	api, m := t.table.MatchAny(req.Method, path)
	if m == nil {
		t.report("%s /%s: no method of the discovery documents", req.Method, path)
		return t.base.RoundTrip(req)
	}
	for _, v := range t.table.CheckQuery(api, m, req.URL.Query()) {
		t.report("%s (%s): query parameter %s: %s", m.ID, req.Method, v.Param, v.Message())
	}
	if m.Request != "" && req.Body != nil && req.GetBody != nil {
		t.checkRequestBody(api, m, req)
	}
	resp, err := t.base.RoundTrip(req)
	if err != nil || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") || req.URL.Query().Get("alt") == "media" {
		return resp, err
	}
	body, rerr := io.ReadAll(resp.Body)
	resp.Body.Close()
	if rerr != nil {
		// Cut off in transit (an injected fault): hand on what came and
		// the error, unchecked.
		resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), errReader{rerr}))
		return resp, nil
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if resp.StatusCode >= 300 {
		t.checkError(api, m, resp.StatusCode, body)
	} else {
		t.checkAnswer(api, m, body)
	}
	return resp, nil
}

// checkRequestBody checks a JSON request body against the method's
// request schema (a copy of the body, from GetBody; the request is sent
// unchanged).
func (t *Transport) checkRequestBody(api string, m *Method, req *http.Request) {
	if !strings.HasPrefix(req.Header.Get("Content-Type"), "application/json") {
		return
	}
	rc, err := req.GetBody()
	if err != nil {
		return
	}
	defer rc.Close()
	var v any
	if err := json.NewDecoder(rc).Decode(&v); err != nil {
		t.report("%s: the request body is not JSON: %v", m.ID, err)
		return
	}
	d, err := Load(api)
	if err != nil {
		t.report("%s: %v", m.ID, err)
		return
	}
	for _, e := range d.CheckValue(&Schema{Ref: m.Request}, v, "request "+m.Request) {
		t.report("%s: %s", m.ID, e)
	}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func (t *Transport) checkAnswer(api string, m *Method, body []byte) {
	if m.Response == "" {
		return
	}
	d, err := Load(api)
	if err != nil {
		t.report("%s: %v", m.ID, err)
		return
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.report("%s: the answer is not JSON: %v", m.ID, err)
		return
	}
	for _, e := range d.CheckValue(&Schema{Ref: m.Response}, v, m.Response) {
		t.report("%s: %s", m.ID, e)
	}
	newStruct := t.structs[api+"."+m.Response]
	if newStruct == nil {
		return
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(newStruct()); err != nil {
		t.report("%s: the answer does not decode strictly into the client's %s: %v", m.ID, m.Response, err)
	}
}

// checkError checks an error answer's shape: google.rpc's code, message
// and status, and errors[].reason exactly for the APIs that send it.
func (t *Transport) checkError(api string, m *Method, code int, body []byte) {
	var e struct {
		Error *struct {
			Code    int               `json:"code"`
			Message string            `json:"message"`
			Status  string            `json:"status"`
			Errors  []json.RawMessage `json:"errors"`
			Details []json.RawMessage `json:"details"`
		} `json:"error"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil || e.Error == nil {
		t.report("%s: error answer %d not in Google's shape: %s", m.ID, code, body)
		return
	}
	switch {
	case e.Error.Code != code || e.Error.Message == "":
		t.report("%s: error answer with code %d and message %q for HTTP %d", m.ID, e.Error.Code, e.Error.Message, code)
	case StatusShaped[api] && (len(e.Error.Errors) > 0 || e.Error.Status == ""):
		t.report("%s: %s errors carry status and details only, got %s", m.ID, api, body)
	case !StatusShaped[api] && len(e.Error.Errors) == 0:
		t.report("%s: %s errors carry errors[].reason, got %s", m.ID, api, body)
	}
}
