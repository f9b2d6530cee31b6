package infra

import (
	"testing"

	"github.com/hashicorp/hcl/v2"
)

// checkDependsOn fails the test when a depends_on names a resource that
// infra/ does not declare (evaluation skips depends_on, Terraform does not).
func (m *module) checkDependsOn(t *testing.T) {
	t.Helper()
	declared := map[string]bool{}
	for _, r := range m.resources {
		prefix := ""
		if r.mode == "data" {
			prefix = "data."
		}
		declared[prefix+r.typ+"."+r.name] = true
	}
	for _, r := range m.resources {
		a, ok := r.block.Body.Attributes["depends_on"]
		if !ok {
			continue
		}
		exprs, diags := hcl.ExprList(a.Expr)
		if diags.HasErrors() {
			t.Fatalf("%s.%s depends_on: %s", r.typ, r.name, diags.Error())
		}
		for _, e := range exprs {
			tr, diags := hcl.AbsTraversalForExpr(e)
			if diags.HasErrors() || len(tr) < 2 {
				t.Fatalf("%s.%s depends_on has a non-reference", r.typ, r.name)
			}
			name := tr.RootName() + "." + tr[1].(hcl.TraverseAttr).Name
			if tr.RootName() == "data" && len(tr) > 2 {
				name += "." + tr[2].(hcl.TraverseAttr).Name
			}
			if !declared[name] {
				t.Errorf("%s.%s depends on %s, which infra/ does not declare", r.typ, r.name, name)
			}
		}
	}
}
