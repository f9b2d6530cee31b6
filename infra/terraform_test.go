package infra

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// module is infra/*.tf parsed and evaluated roughly as `terraform plan`
// would: variables take their defaults (or the test's values), locals and
// resources are evaluated until their references settle, and computed
// attributes the configuration reads are synthesised (see computed.go).
type module struct {
	vars      map[string]cty.Value
	variables map[string]*hclsyntax.Block
	locals    map[string]hcl.Expression
	localVals map[string]cty.Value
	resources []*resource
	diags     hcl.Diagnostics
}

// resource is one resource or data block and its evaluated instances.
type resource struct {
	mode, typ, name string
	block           *hclsyntax.Block
	instances       map[string]*instance // key "" when there is no for_each/count
	keyed           bool
	counted         bool
}

// instance is one evaluated instance of a resource.
type instance struct {
	key   string
	each  cty.Value // each.value, or cty.NilVal
	value cty.Value // evaluated attributes and nested blocks
}

// testVars are values for the variables without defaults.
func testVars(t *testing.T) map[string]cty.Value {
	src := filepath.Join(t.TempDir(), "orgexport.zip")
	if err := os.WriteFile(src, []byte("PK\x05\x06"+string(make([]byte, 18))), 0o600); err != nil {
		t.Fatal(err)
	}
	return map[string]cty.Value{
		"project_id":            cty.StringVal("acme-export"),
		"admin_oauth_client_id": cty.StringVal("1234-console.apps.googleusercontent.com"),
		"support_staff":         cty.ListVal([]cty.Value{cty.StringVal("oncall@operator.example")}),
		"smtp_host":             cty.StringVal("smtp.example.com"),
		"mail_from":             cty.StringVal("orgexport@example.com"),
		"source_archive":        cty.StringVal(src),
	}
}

// loadModule parses and evaluates infra/*.tf with testVars overridden by
// overrides. It fails the test on any parse or evaluation error.
func loadModule(t *testing.T, overrides map[string]cty.Value) *module {
	t.Helper()
	m := &module{variables: map[string]*hclsyntax.Block{}, locals: map[string]hcl.Expression{}}
	m.parse(t)
	given := testVars(t)
	for k, v := range overrides {
		given[k] = v
	}
	m.setVars(t, given)
	for range 10 {
		m.evaluate()
	}
	m.diags = nil
	m.evaluate()
	if m.diags.HasErrors() {
		t.Fatalf("evaluating infra/*.tf: %s", m.diags.Error())
	}
	m.checkDependsOn(t)
	return m
}

func (m *module) parse(t *testing.T) {
	files, err := filepath.Glob("*.tf")
	if err != nil || len(files) == 0 {
		t.Fatalf("no Terraform files in infra/: %v", err)
	}
	sort.Strings(files)
	p := hclparse.NewParser()
	for _, name := range files {
		f, diags := p.ParseHCLFile(name)
		if diags.HasErrors() {
			t.Fatalf("parsing %s: %s", name, diags.Error())
		}
		for _, b := range f.Body.(*hclsyntax.Body).Blocks {
			m.addBlock(t, b)
		}
	}
}

func (m *module) addBlock(t *testing.T, b *hclsyntax.Block) {
	switch b.Type {
	case "variable":
		m.variables[b.Labels[0]] = b
	case "locals":
		for name, a := range b.Body.Attributes {
			if _, dup := m.locals[name]; dup {
				t.Fatalf("local %q defined twice", name)
			}
			m.locals[name] = a.Expr
		}
	case "resource", "data":
		m.resources = append(m.resources, &resource{mode: b.Type, typ: b.Labels[0], name: b.Labels[1], block: b})
	}
}

// setVars gives every variable its value (given, else its default),
// converted to its declared type.
func (m *module) setVars(t *testing.T, given map[string]cty.Value) {
	m.vars = map[string]cty.Value{}
	for name, b := range m.variables {
		v, ok := given[name]
		if !ok {
			a, has := b.Body.Attributes["default"]
			if !has {
				t.Fatalf("variable %q has no default and no test value", name)
			}
			var diags hcl.Diagnostics
			if v, diags = a.Expr.Value(nil); diags.HasErrors() {
				t.Fatalf("default of %q: %s", name, diags.Error())
			}
		}
		if a, has := b.Body.Attributes["type"]; has {
			ty, diags := typeexpr.TypeConstraint(a.Expr)
			if diags.HasErrors() {
				t.Fatalf("type of %q: %s", name, diags.Error())
			}
			cv, err := convert.Convert(v, ty)
			if err != nil {
				t.Fatalf("variable %q: %v", name, err)
			}
			v = cv
		}
		m.vars[name] = v
	}
	for name := range given {
		if _, ok := m.variables[name]; !ok {
			t.Fatalf("test sets undeclared variable %q", name)
		}
	}
}

// context is the evaluation context of the module's top level.
func (m *module) context() *hcl.EvalContext {
	managed := map[string]map[string]cty.Value{}
	data := map[string]map[string]cty.Value{}
	for _, r := range m.resources {
		dst := managed
		if r.mode == "data" {
			dst = data
		}
		if dst[r.typ] == nil {
			dst[r.typ] = map[string]cty.Value{}
		}
		dst[r.typ][r.name] = r.value()
	}
	vars := map[string]cty.Value{
		"var":   cty.ObjectVal(m.vars),
		"local": objectOrEmpty(m.localVals),
	}
	for typ, byName := range managed {
		vars[typ] = cty.ObjectVal(byName)
	}
	dataVals := map[string]cty.Value{}
	for typ, byName := range data {
		dataVals[typ] = cty.ObjectVal(byName)
	}
	vars["data"] = objectOrEmpty(dataVals)
	return &hcl.EvalContext{Variables: vars, Functions: functions()}
}

func objectOrEmpty(m map[string]cty.Value) cty.Value {
	if len(m) == 0 {
		return cty.EmptyObjectVal
	}
	return cty.ObjectVal(m)
}

// value is what a reference to the resource evaluates to.
func (r *resource) value() cty.Value {
	if r.instances == nil {
		return cty.DynamicVal
	}
	if !r.keyed && !r.counted {
		if i, ok := r.instances[""]; ok {
			return i.value
		}
		return cty.DynamicVal
	}
	if r.counted {
		vals := make([]cty.Value, len(r.instances))
		for k, i := range r.instances {
			n, _ := strconv.Atoi(k)
			vals[n] = i.value
		}
		return cty.TupleVal(vals)
	}
	vals := map[string]cty.Value{}
	for k, i := range r.instances {
		vals[k] = i.value
	}
	return objectOrEmpty(vals)
}

// evaluate runs one pass over locals and resources, recording diagnostics.
func (m *module) evaluate() {
	ctx := m.context()
	vals := map[string]cty.Value{}
	for name, expr := range m.locals {
		v, diags := expr.Value(ctx)
		m.diags = append(m.diags, diags...)
		vals[name] = v
	}
	m.localVals = vals
	ctx = m.context()
	for _, r := range m.resources {
		m.evaluateResource(ctx, r)
	}
}

func (m *module) evaluateResource(ctx *hcl.EvalContext, r *resource) {
	keys, eachVals, ok := m.expand(ctx, r)
	if !ok {
		return
	}
	r.instances = map[string]*instance{}
	for i, k := range keys {
		ictx := ctx.NewChild()
		ictx.Variables = map[string]cty.Value{}
		if r.keyed {
			ictx.Variables["each"] = cty.ObjectVal(map[string]cty.Value{"key": cty.StringVal(k), "value": eachVals[i]})
		}
		if r.counted {
			ictx.Variables["count"] = cty.ObjectVal(map[string]cty.Value{"index": cty.NumberIntVal(int64(i))})
		}
		v := m.evaluateBody(ictx, r.block.Body)
		r.instances[k] = &instance{key: k, each: eachVals[i], value: m.computed(r, v)}
	}
}

// expand returns the instance keys of r from its for_each or count.
func (m *module) expand(ctx *hcl.EvalContext, r *resource) ([]string, []cty.Value, bool) {
	if a, has := r.block.Body.Attributes["for_each"]; has {
		r.keyed = true
		v, diags := a.Expr.Value(ctx)
		m.diags = append(m.diags, diags...)
		if diags.HasErrors() || !v.IsWhollyKnown() {
			return nil, nil, false
		}
		var keys []string
		var vals []cty.Value
		for it := v.ElementIterator(); it.Next(); {
			k, ev := it.Element()
			if v.Type().IsSetType() {
				k = ev
			}
			keys = append(keys, k.AsString())
			vals = append(vals, ev)
		}
		return keys, vals, true
	}
	if a, has := r.block.Body.Attributes["count"]; has {
		r.counted = true
		v, diags := a.Expr.Value(ctx)
		m.diags = append(m.diags, diags...)
		if diags.HasErrors() || !v.IsKnown() {
			return nil, nil, false
		}
		n, _ := v.AsBigFloat().Int64()
		keys := make([]string, n)
		for i := range keys {
			keys[i] = strconv.Itoa(i)
		}
		return keys, make([]cty.Value, n), true
	}
	return []string{""}, []cty.Value{cty.NilVal}, true
}

// meta are the attributes and blocks that configure Terraform, not the
// resource.
var meta = map[string]bool{"for_each": true, "count": true, "depends_on": true, "provider": true, "lifecycle": true}

// evaluateBody evaluates attributes to values and nested blocks (including
// dynamic ones) to lists of objects.
func (m *module) evaluateBody(ctx *hcl.EvalContext, body *hclsyntax.Body) cty.Value {
	attrs := map[string]cty.Value{}
	for name, a := range body.Attributes {
		if meta[name] {
			continue
		}
		v, diags := a.Expr.Value(ctx)
		m.diags = append(m.diags, diags...)
		attrs[name] = v
	}
	blocks := map[string][]cty.Value{}
	for _, b := range body.Blocks {
		switch {
		case meta[b.Type]:
		case b.Type == "dynamic":
			blocks[b.Labels[0]] = append(blocks[b.Labels[0]], m.dynamic(ctx, b)...)
		default:
			blocks[b.Type] = append(blocks[b.Type], m.evaluateBody(ctx, b.Body))
		}
	}
	for name, list := range blocks {
		attrs[name] = cty.TupleVal(list)
	}
	return objectOrEmpty(attrs)
}

// dynamic expands a dynamic block into the blocks it generates.
func (m *module) dynamic(ctx *hcl.EvalContext, b *hclsyntax.Block) []cty.Value {
	iter := b.Labels[0]
	if a, has := b.Body.Attributes["iterator"]; has {
		iter = hcl.ExprAsKeyword(a.Expr)
	}
	fe, diags := b.Body.Attributes["for_each"].Expr.Value(ctx)
	m.diags = append(m.diags, diags...)
	if diags.HasErrors() || !fe.IsWhollyKnown() {
		return nil
	}
	var content *hclsyntax.Block
	for _, c := range b.Body.Blocks {
		if c.Type == "content" {
			content = c
		}
	}
	if content == nil {
		m.diags = append(m.diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: fmt.Sprintf("dynamic %q has no content block", iter)})
		return nil
	}
	var out []cty.Value
	for it := fe.ElementIterator(); it.Next(); {
		k, v := it.Element()
		cctx := ctx.NewChild()
		cctx.Variables = map[string]cty.Value{iter: cty.ObjectVal(map[string]cty.Value{"key": k, "value": v})}
		out = append(out, m.evaluateBody(cctx, content.Body))
	}
	return out
}

// all returns every instance of every resource of the given type.
func (m *module) all(typ string) []*instance {
	var out []*instance
	for _, r := range m.resources {
		if r.mode == "resource" && r.typ == typ {
			for _, k := range sortedKeys(r.instances) {
				out = append(out, r.instances[k])
			}
		}
	}
	return out
}

// one returns the single instance of resource typ.name (key "" unless given).
func (m *module) one(t *testing.T, typ, name string, key ...string) cty.Value {
	t.Helper()
	k := ""
	if len(key) > 0 {
		k = key[0]
	}
	for _, r := range m.resources {
		if r.mode == "resource" && r.typ == typ && r.name == name {
			if i, ok := r.instances[k]; ok {
				return i.value
			}
		}
	}
	t.Fatalf("infra/ has no %s.%s[%q]", typ, name, k)
	return cty.NilVal
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
