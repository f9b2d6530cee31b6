package workspace

import (
	"fmt"
	"strings"
)

// selection is a parsed partial-response mask ("files(id,name),nextPageToken",
// "items/id"). A nil child means the whole value.
type selection map[string]selection

func parseFields(s string) (selection, error) {
	p := &fieldParser{s: strings.ReplaceAll(s, " ", "")}
	sel, err := p.list()
	if err == nil && p.i < len(p.s) {
		err = fmt.Errorf("unexpected %q at %d", p.s[p.i], p.i)
	}
	return sel, err
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
		if p.i >= len(p.s) || p.s[p.i] != ',' {
			return sel, nil
		}
		p.i++
	}
}

func (p *fieldParser) item(into selection) error {
	start := p.i
	for p.i < len(p.s) && !strings.ContainsRune(",()", rune(p.s[p.i])) {
		p.i++
	}
	path := strings.Split(p.s[start:p.i], "/")
	if path[0] == "" {
		return fmt.Errorf("empty field name at %d", start)
	}
	var leaf selection
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
	cur := into
	for i, name := range path {
		if i == len(path)-1 {
			cur[name] = merge(cur[name], leaf, cur, name)
			return nil
		}
		next, ok := cur[name]
		if ok && next == nil {
			return nil // the whole value is already selected
		}
		if next == nil {
			next = selection{}
			cur[name] = next
		}
		cur = next
	}
	return nil
}

func merge(old, add selection, parent selection, name string) selection {
	if _, had := parent[name]; had && old == nil {
		return nil
	}
	if add == nil {
		return nil
	}
	if old == nil {
		return add
	}
	for k, v := range add {
		old[k] = v
	}
	return old
}

// apply keeps the selected fields of v; arrays apply the selection to each
// element.
func (s selection) apply(v any) any {
	if s == nil {
		return v
	}
	switch t := v.(type) {
	case obj:
		out := obj{}
		for k, sub := range s {
			if val, ok := t[k]; ok {
				out[k] = sub.apply(val)
			}
		}
		return out
	case []obj:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = s.apply(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = s.apply(e)
		}
		return out
	}
	return v
}
