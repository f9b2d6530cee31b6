package conformance

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Table is every method of a set of APIs with its query parameters.
type Table struct {
	APIs map[string]*APITable `json:"apis"`
}

// APITable is one API's methods and standard parameters.
type APITable struct {
	// OnePlatform: the document lists `$.xgafv`, the mark of Google's
	// API front end that binds query parameters to the request message and
	// refuses unknown ones ("Cannot bind query parameter").
	OnePlatform bool              `json:"onePlatform"`
	Standard    map[string]*Param `json:"standard"`
	Methods     []*Method         `json:"methods"`
}

// Method is a method's HTTP method, path template (service path
// included) and query parameters.
type Method struct {
	ID         string            `json:"id"`
	HTTPMethod string            `json:"httpMethod"`
	Path       string            `json:"path"`
	Query      map[string]*Param `json:"query"`
	// Request and Response are the body schemas' names ("" for none).
	Request  string `json:"request,omitempty"`
	Response string `json:"response,omitempty"`

	re      *regexp.Regexp
	literal int
}

// BuildTable makes the table of the given APIs from their documents.
func BuildTable(apis ...string) (*Table, error) {
	t := &Table{APIs: map[string]*APITable{}}
	for _, api := range apis {
		d, err := Load(api)
		if err != nil {
			return nil, err
		}
		at := &APITable{Standard: map[string]*Param{}}
		for name, p := range d.Parameters {
			at.Standard[name] = compact(p)
		}
		_, at.OnePlatform = d.Parameters["$.xgafv"]
		for _, dm := range d.Methods() {
			m := &Method{ID: dm.ID, HTTPMethod: dm.HTTPMethod, Path: d.ServicePath + dm.Path, Query: map[string]*Param{}}
			if dm.FlatPath != "" {
				m.Path = d.ServicePath + dm.FlatPath
			}
			if dm.Response != nil {
				m.Response = dm.Response.Ref
			}
			if dm.Request != nil {
				m.Request = dm.Request.Ref
			}
			for name, p := range dm.Parameters {
				if p.Location == "query" {
					m.Query[name] = compact(p)
				}
			}
			at.Methods = append(at.Methods, m)
		}
		t.APIs[api] = at
	}
	return t, nil
}

// compact is a parameter as the table keeps it: no location or
// description, Coerced read from the description.
func compact(p *Param) *Param {
	q := *p
	d := strings.ToLower(q.Description)
	q.Coerced = strings.Contains(d, "coerced") || strings.Contains(d, "automatically changed")
	q.Location, q.Description = "", ""
	return &q
}

var placeholder = regexp.MustCompile(`\{\+?[^}]+\}`)

func (m *Method) compile() {
	if m.re != nil {
		return
	}
	var b strings.Builder
	b.WriteString("^")
	last := 0
	for _, loc := range placeholder.FindAllStringIndex(m.Path, -1) {
		b.WriteString(regexp.QuoteMeta(m.Path[last:loc[0]]))
		m.literal += loc[0] - last
		if strings.HasPrefix(m.Path[loc[0]:], "{+") {
			b.WriteString(".+")
		} else {
			b.WriteString("[^/]+")
		}
		last = loc[1]
	}
	b.WriteString(regexp.QuoteMeta(m.Path[last:]))
	m.literal += len(m.Path) - last
	b.WriteString("$")
	m.re = regexp.MustCompile(b.String())
}

// Match finds the method of api serving an HTTP method and escaped path
// (without the leading slash): the matching template with the most
// literal characters.
func (t *Table) Match(api, httpMethod, path string) *Method {
	at := t.APIs[api]
	if at == nil {
		return nil
	}
	var best *Method
	for _, m := range at.Methods {
		m.compile()
		if m.HTTPMethod == httpMethod && m.re.MatchString(path) && (best == nil || m.literal > best.literal) {
			best = m
		}
	}
	return best
}

// MatchAny is Match over every API of the table; it returns the API too.
func (t *Table) MatchAny(httpMethod, path string) (string, *Method) {
	var bestAPI string
	var best *Method
	apis := make([]string, 0, len(t.APIs))
	for a := range t.APIs {
		apis = append(apis, a)
	}
	sort.Strings(apis)
	for _, a := range apis {
		if m := t.Match(a, httpMethod, path); m != nil && (best == nil || m.literal > best.literal) {
			bestAPI, best = a, m
		}
	}
	return bestAPI, best
}

// Violation is a query parameter the real API would not take.
type Violation struct {
	// Param is the parameter, Kind "unknown", "type", "enum", "range",
	// "repeated" or "required", Value the value refused.
	Param, Kind, Value string
	// Type is the proto type Google's message names (Kind "type", "enum").
	Type string
	// Min and Max are the documented range (Kind "range").
	Min, Max string
}

// Message is Google's words for the violation (the API front end's).
func (v Violation) Message() string {
	switch v.Kind {
	case "unknown":
		return fmt.Sprintf("Invalid JSON payload received. Unknown name %q: Cannot bind query parameter. Field '%s' could not be found in request message.", v.Param, v.Param)
	case "required":
		return "Required parameter: " + v.Param
	case "repeated":
		return fmt.Sprintf("Invalid JSON payload received. Repeated values for field %q.", v.Param)
	case "range":
		return fmt.Sprintf("Invalid value '%s'. Values must be within the range: [%s, %s]", v.Value, v.Min, v.Max)
	}
	return fmt.Sprintf("Invalid value at '%s' (%s), %q", snake(v.Param), v.Type, v.Value)
}

// CheckQuery checks a request's query parameters against the method and
// the API's standard parameters.
func (t *Table) CheckQuery(api string, m *Method, q url.Values) []Violation {
	at := t.APIs[api]
	var out []Violation
	names := make([]string, 0, len(q))
	for k := range q {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		p := m.Query[name]
		if p == nil {
			p = at.Standard[name]
		}
		if p == nil {
			out = append(out, Violation{Param: name, Kind: "unknown"})
			continue
		}
		vals := q[name]
		if len(vals) > 1 && !p.Repeated {
			out = append(out, Violation{Param: name, Kind: "repeated"})
		}
		for _, v := range vals {
			if kind, typ := checkValue(p, v); kind != "" {
				out = append(out, Violation{Param: name, Kind: kind, Value: v, Type: typ})
			} else if outOfRange(p, v) {
				out = append(out, Violation{Param: name, Kind: "range", Value: v, Min: p.Minimum, Max: p.Maximum})
			}
		}
	}
	req := make([]string, 0)
	for name, p := range m.Query {
		if p.Required && !q.Has(name) {
			req = append(req, name)
		}
	}
	sort.Strings(req)
	for _, name := range req {
		out = append(out, Violation{Param: name, Kind: "required"})
	}
	return out
}

func checkValue(p *Param, v string) (kind, typ string) {
	switch p.Type {
	case "boolean":
		if v != "true" && v != "false" {
			return "type", "TYPE_BOOL"
		}
	case "integer":
		bits := 32
		if p.Format == "int64" || p.Format == "uint64" {
			bits = 64
		}
		if _, err := strconv.ParseInt(v, 10, bits); err != nil {
			return "type", "TYPE_INT" + strconv.Itoa(bits)
		}
	case "number":
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			return "type", "TYPE_DOUBLE"
		}
	}
	if len(p.Enum) > 0 && !slices.Contains(p.Enum, v) {
		return "enum", "TYPE_ENUM"
	}
	return "", ""
}

// outOfRange reports an integer outside the parameter's documented
// minimum and maximum that the API does not coerce.
func outOfRange(p *Param, v string) bool {
	if p.Type != "integer" || p.Coerced || (p.Minimum == "" && p.Maximum == "") {
		return false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return false
	}
	if lo, err := strconv.ParseInt(p.Minimum, 10, 64); err == nil && n < lo {
		return true
	}
	hi, err := strconv.ParseInt(p.Maximum, 10, 64)
	return err == nil && n > hi
}

// snake is a parameter's proto field name (pageSize → page_size).
func snake(s string) string {
	var b strings.Builder
	for i, c := range s {
		if c >= 'A' && c <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			c += 'a' - 'A'
		}
		b.WriteRune(c)
	}
	return b.String()
}
