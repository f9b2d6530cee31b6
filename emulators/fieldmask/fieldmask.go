// Package fieldmask parses and applies the fields parameter of Google's
// JSON APIs (a partial response: "nextPageToken,files(id,name)", "items/id",
// "*"), for the emulators that answer with one: the Workspace APIs and
// Cloud Storage.
package fieldmask

import (
	"fmt"
	"strings"
)

// Mask is a parsed fields parameter: the fields to keep, each with a mask
// of its own fields; a nil Mask keeps the whole value. A "*" key keeps
// every field not named.
type Mask map[string]Mask

// Parse parses list := item (',' item)*; item := name ('/' name)*
// ['(' list ')']. Spaces are ignored.
func Parse(s string) (Mask, error) {
	p := &parser{s: strings.ReplaceAll(s, " ", "")}
	m, err := p.list()
	if err == nil && p.i < len(p.s) {
		err = fmt.Errorf("unexpected %q at %d", p.s[p.i], p.i)
	}
	return m, err
}

type parser struct {
	s string
	i int
}

func (p *parser) list() (Mask, error) {
	m := Mask{}
	for {
		if err := p.item(m); err != nil {
			return nil, err
		}
		if p.i >= len(p.s) || p.s[p.i] != ',' {
			return m, nil
		}
		p.i++
	}
}

func (p *parser) item(into Mask) error {
	start := p.i
	for p.i < len(p.s) && !strings.ContainsRune(",()", rune(p.s[p.i])) {
		p.i++
	}
	path := strings.Split(p.s[start:p.i], "/")
	for _, name := range path {
		if name == "" {
			return fmt.Errorf("empty field name at %d", start)
		}
	}
	var leaf Mask
	if p.i < len(p.s) && p.s[p.i] == '(' {
		p.i++
		sub, err := p.list()
		if err != nil {
			return err
		}
		if p.i >= len(p.s) || p.s[p.i] != ')' {
			return fmt.Errorf("missing ) at %d", p.i)
		}
		p.i++
		leaf = sub
	}
	// a/b/c(d) is a(b(c(d))).
	for i := len(path) - 1; i > 0; i-- {
		leaf = Mask{path[i]: leaf}
	}
	into.merge(path[0], leaf)
	return nil
}

// merge adds name with its mask: what either keeps whole stays whole.
func (m Mask) merge(name string, sub Mask) {
	old, seen := m[name]
	switch {
	case !seen:
		m[name] = sub
	case old == nil || sub == nil:
		m[name] = nil
	default:
		for k, v := range sub {
			old.merge(k, v)
		}
	}
}

// Apply keeps what m selects of v: of an object its selected fields, of an
// array each element's; other values whole.
func (m Mask) Apply(v any) any {
	if m == nil {
		return v
	}
	switch t := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, x := range t {
			sub, ok := m[k]
			if !ok {
				sub, ok = m["*"]
			}
			if ok {
				out[k] = sub.Apply(x)
			}
		}
		return out
	case []map[string]any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = m.Apply(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = m.Apply(e)
		}
		return out
	}
	return v
}
