package gcs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
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
		sel, err := parseFields(spec)
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
				if b, err := json.Marshal(sel.apply(v)); err == nil {
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

// selection is a parsed fields parameter: the fields to keep, each with
// the selection of its own fields (nil: all of them).
type selection map[string]selection

// parseFields parses list := item (',' item)*; item := name ('/' name)*
// ['(' list ')'].
func parseFields(spec string) (selection, error) {
	p := &fieldParser{s: spec}
	sel, err := p.list()
	if err != nil {
		return nil, err
	}
	if p.i < len(p.s) {
		return nil, fmt.Errorf("unexpected %q at %d", p.s[p.i], p.i)
	}
	return sel, nil
}

type fieldParser struct {
	s string
	i int
}

func (p *fieldParser) list() (selection, error) {
	sel := selection{}
	for {
		if err := p.item(sel); err != nil {
			return nil, err
		}
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
			continue
		}
		return sel, nil
	}
}

func (p *fieldParser) item(into selection) error {
	var path []string
	for {
		start := p.i
		for p.i < len(p.s) && (isNameByte(p.s[p.i])) {
			p.i++
		}
		if p.i == start {
			return fmt.Errorf("a field name expected at %d", p.i)
		}
		path = append(path, p.s[start:p.i])
		if p.i < len(p.s) && p.s[p.i] == '/' {
			p.i++
			continue
		}
		break
	}
	var sub selection
	if p.i < len(p.s) && p.s[p.i] == '(' {
		p.i++
		var err error
		if sub, err = p.list(); err != nil {
			return err
		}
		if p.i >= len(p.s) || p.s[p.i] != ')' {
			return fmt.Errorf("')' expected at %d", p.i)
		}
		p.i++
	}
	// a/b/c(d) is a(b(c(d))).
	for i := len(path) - 1; i > 0; i-- {
		sub = selection{path[i]: sub}
	}
	into.merge(path[0], sub)
	return nil
}

func (s selection) merge(name string, sub selection) {
	old, seen := s[name]
	switch {
	case !seen:
		s[name] = sub
	case old == nil || sub == nil: // one of them keeps everything
		s[name] = nil
	default:
		for k, v := range sub {
			old.merge(k, v)
		}
	}
}

func isNameByte(c byte) bool {
	return c == '_' || c == '*' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// apply keeps what s selects of v: of an object its selected fields, of an
// array each element's.
func (s selection) apply(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, x := range v {
			sub, ok := s[k]
			if !ok {
				sub, ok = s["*"]
			}
			if !ok {
				continue
			}
			if sub != nil {
				x = sub.apply(x)
			}
			out[k] = x
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = s.apply(x)
		}
		return out
	default:
		return v
	}
}
