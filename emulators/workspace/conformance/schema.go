package conformance

import (
	"fmt"
	"slices"
)

// CheckValue walks a decoded JSON value against a schema of the document
// and reports every field the schema does not have, every value of the
// wrong JSON type and every value outside an enum.
func (d *Doc) CheckValue(s *Schema, v any, path string) []string {
	var errs []string
	d.check(s, v, path, &errs)
	return errs
}

func (d *Doc) check(s *Schema, v any, path string, errs *[]string) {
	if s.Ref != "" {
		s = d.Schemas[s.Ref]
		if s == nil {
			*errs = append(*errs, path+": unknown schema")
			return
		}
	}
	bad := func(msg string) { *errs = append(*errs, path+": "+msg) }
	switch s.Type {
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			bad(fmt.Sprintf("want object, got %T", v))
			return
		}
		for k, val := range m {
			switch p := s.Properties[k]; {
			case p != nil:
				d.check(p, val, path+"."+k, errs)
			case s.AdditionalProperties != nil:
				d.check(s.AdditionalProperties, val, path+"."+k, errs)
			default:
				bad("field " + k + " is not in the discovery document")
			}
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			bad(fmt.Sprintf("want array, got %T", v))
			return
		}
		for i, e := range a {
			d.check(s.Items, e, fmt.Sprintf("%s[%d]", path, i), errs)
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			bad(fmt.Sprintf("want string (%s), got %T", s.Format, v))
			return
		}
		if len(s.Enum) > 0 && !slices.Contains(s.Enum, str) {
			bad(fmt.Sprintf("%q is not a value of the enum %v", str, s.Enum))
		}
	case "integer", "number":
		if _, ok := v.(float64); !ok {
			bad(fmt.Sprintf("want number, got %T", v))
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			bad(fmt.Sprintf("want boolean, got %T", v))
		}
	}
}
