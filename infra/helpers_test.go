package infra

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/orgexport/orgexport/shared/config"
)

// get walks v along path: strings are attributes or map keys, ints are list
// indexes. It returns cty.NilVal when any step is missing.
func get(v cty.Value, path ...any) cty.Value {
	for _, p := range path {
		if v == cty.NilVal || v.IsNull() || !v.IsKnown() {
			return cty.NilVal
		}
		switch p := p.(type) {
		case string:
			ty := v.Type()
			switch {
			case ty.IsObjectType() && ty.HasAttribute(p):
				v = v.GetAttr(p)
			case ty.IsMapType() && v.HasIndex(cty.StringVal(p)).True():
				v = v.Index(cty.StringVal(p))
			default:
				return cty.NilVal
			}
		case int:
			if !v.CanIterateElements() || v.LengthInt() <= p {
				return cty.NilVal
			}
			v = v.Index(cty.NumberIntVal(int64(p)))
		}
	}
	return v
}

// str is v as a string, or "" when v is missing, null or not a string.
func str(v cty.Value, path ...any) string {
	v = get(v, path...)
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() {
		return ""
	}
	if s, err := convert.Convert(v, cty.String); err == nil {
		return s.AsString()
	}
	return ""
}

// num is v as an int64, or -1.
func num(v cty.Value, path ...any) int64 {
	n, err := strconv.ParseInt(str(v, path...), 10, 64)
	if err != nil {
		return -1
	}
	return n
}

// strMap is an object or map of strings as a Go map.
func strMap(v cty.Value) map[string]string {
	out := map[string]string{}
	if v == cty.NilVal || v.IsNull() || !v.CanIterateElements() {
		return out
	}
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		out[k.AsString()] = str(e)
	}
	return out
}

// list is the elements of a list, set or tuple.
func list(v cty.Value) []cty.Value {
	if v == cty.NilVal || v.IsNull() || !v.CanIterateElements() {
		return nil
	}
	var out []cty.Value
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		out = append(out, e)
	}
	return out
}

// sameSet reports whether a and b hold the same strings, ignoring order.
func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

// registeredFunctions parses ../functions.go and returns each registered
// function's name and signature ("HTTP" or "CloudEvent").
func registeredFunctions(t *testing.T) map[string]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "../functions.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	consts := map[string]string{}
	out := map[string]string{}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ValueSpec:
			for i, id := range n.Names {
				if i < len(n.Values) {
					if lit, ok := n.Values[i].(*ast.BasicLit); ok {
						consts[id.Name], _ = strconv.Unquote(lit.Value)
					}
				}
			}
		case *ast.CallExpr:
			sel, ok := n.Fun.(*ast.SelectorExpr)
			if !ok || len(n.Args) == 0 {
				return true
			}
			if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "functions" {
				switch a := n.Args[0].(type) {
				case *ast.Ident:
					out[consts[a.Name]] = sel.Sel.Name
				case *ast.BasicLit:
					name, _ := strconv.Unquote(a.Value)
					out[name] = sel.Sel.Name
				}
			}
		}
		return true
	})
	if len(out) == 0 {
		t.Fatal("no functions registered in functions.go")
	}
	return out
}

// loaders are the configuration loaders of each function, so the tests can
// check that the values infra sets pass the code's own validation.
var loaders = map[string]func(config.Getenv) error{
	"StartExport":    func(g config.Getenv) error { _, err := config.LoadStartExport(g); return err },
	"BeginExport":    func(g config.Getenv) error { _, err := config.LoadBeginExport(g); return err },
	"ExportAccount":  func(g config.Getenv) error { _, err := config.LoadExportAccount(g); return err },
	"AssembleReport": func(g config.Getenv) error { _, err := config.LoadAssembleReport(g); return err },
	"Housekeeping":   func(g config.Getenv) error { _, err := config.LoadHousekeeping(g); return err },
	"Support":        func(g config.Getenv) error { _, err := config.LoadSupport(g); return err },
}

// deployed is one function as infra deploys it.
type deployed struct {
	key     string // entry point
	value   cty.Value
	env     map[string]string
	secrets map[string]string // variable => secret id
	url     string
	account string // runtime service account email
}

// deployedFunctions returns the google_cloudfunctions2_function instances
// keyed by entry point.
func deployedFunctions(t *testing.T, m *module) map[string]deployed {
	t.Helper()
	out := map[string]deployed{}
	for _, r := range m.resources {
		if r.mode != "resource" || r.typ != "google_cloudfunctions2_function" {
			continue
		}
		for k, i := range r.instances {
			ep := str(i.value, "build_config", 0, "entry_point")
			if ep == "" {
				ep = k
			}
			d := deployed{key: ep, value: i.value, secrets: map[string]string{}}
			d.env = strMap(get(i.value, "service_config", 0, "environment_variables"))
			for _, s := range list(get(i.value, "service_config", 0, "secret_environment_variables")) {
				d.secrets[str(s, "key")] = str(s, "secret")
			}
			d.url = str(i.value, "url")
			d.account = str(i.value, "service_config", 0, "service_account_email")
			out[ep] = d
		}
	}
	if len(out) == 0 {
		t.Fatal("infra/ deploys no google_cloudfunctions2_function")
	}
	return out
}

// reads returns the functions whose configuration reads variable name.
func reads(name string) []string {
	var out []string
	for fn, vars := range config.Variables() {
		if slices.Contains(vars, name) {
			out = append(out, fn)
		}
	}
	slices.Sort(out)
	return out
}

// validates evaluates the validation conditions of variable name with the
// given value and reports whether all hold.
func (m *module) validates(t *testing.T, name string, value cty.Value) bool {
	t.Helper()
	b, ok := m.variables[name]
	if !ok {
		t.Fatalf("no variable %q", name)
	}
	vars := map[string]cty.Value{}
	for k, v := range m.vars {
		vars[k] = v
	}
	vars[name] = value
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{"var": cty.ObjectVal(vars)}, Functions: functions()}
	found := false
	for _, vb := range b.Body.Blocks {
		if vb.Type != "validation" {
			continue
		}
		found = true
		v, diags := vb.Body.Attributes["condition"].Expr.Value(ctx)
		if diags.HasErrors() {
			t.Fatalf("validation of %s: %s", name, diags.Error())
		}
		if v.False() {
			return false
		}
	}
	if !found {
		t.Fatalf("variable %q has no validation", name)
	}
	return true
}

func trimMember(m string) string { return strings.TrimPrefix(m, "serviceAccount:") }
