package frontdoor

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// Invokers is who may invoke each function, as infra/ grants
// roles/run.invoker: the same Terraform values, read from the .tf files, so
// the dev stack cannot drift from the deployment.
type Invokers struct {
	// Callers maps a service-called function to the keys of its caller
	// service accounts (google_service_account.caller: "tasks_invoker",
	// "pubsub_push", "scheduler").
	Callers map[string][]string
	// Public are the functions that admit PublicMember.
	Public []string
	// PublicMember is var.admin_api_invoker's default ("allUsers").
	PublicMember string
}

// ReadInvokers reads local.service_callers and local.public_functions from
// invokers.tf, and the default of var.admin_api_invoker from variables.tf,
// in the Terraform folder dir.
func ReadInvokers(dir string) (Invokers, error) {
	locals, err := blockAttrs(filepath.Join(dir, "invokers.tf"), "locals", "")
	if err != nil {
		return Invokers{}, err
	}
	vars, err := blockAttrs(filepath.Join(dir, "variables.tf"), "variable", "admin_api_invoker")
	if err != nil {
		return Invokers{}, err
	}
	inv := Invokers{Callers: map[string][]string{}}
	callers, err := value(locals, "service_callers")
	if err != nil {
		return Invokers{}, err
	}
	for it := callers.ElementIterator(); it.Next(); {
		k, v := it.Element()
		inv.Callers[k.AsString()] = stringList(v)
	}
	public, err := value(locals, "public_functions")
	if err != nil {
		return Invokers{}, err
	}
	inv.Public = stringList(public)
	member, err := value(vars, "default")
	if err != nil {
		return Invokers{}, err
	}
	inv.PublicMember = member.AsString()
	if len(inv.Callers) == 0 || len(inv.Public) == 0 || inv.PublicMember == "" {
		return Invokers{}, fmt.Errorf("frontdoor: %s names no invokers", dir)
	}
	return inv, nil
}

// Members returns fn's invoker members, given the emails of the caller
// service accounts by key.
func (inv Invokers) Members(fn string, accounts map[string]string) ([]string, error) {
	if slices.Contains(inv.Public, fn) {
		return []string{inv.PublicMember}, nil
	}
	keys, ok := inv.Callers[fn]
	if !ok {
		return nil, fmt.Errorf("frontdoor: infra/ grants nobody the right to invoke %s", fn)
	}
	var out []string
	for _, k := range keys {
		email, ok := accounts[k]
		if !ok {
			return nil, fmt.Errorf("frontdoor: no local account stands for the caller %q of %s", k, fn)
		}
		out = append(out, "serviceAccount:"+email)
	}
	return out, nil
}

// RequiresIAM reports whether only service accounts may invoke fn.
func (inv Invokers) RequiresIAM(fn string) bool {
	_, ok := inv.Callers[fn]
	return ok && !slices.Contains(inv.Public, fn)
}

// blockAttrs returns the attributes of the first top-level block of type
// typ (with the label, if given) in file.
func blockAttrs(file, typ, label string) (hclsyntax.Attributes, error) {
	src, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	f, diags := hclsyntax.ParseConfig(src, file, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, diags
	}
	for _, b := range f.Body.(*hclsyntax.Body).Blocks {
		if b.Type == typ && (label == "" || (len(b.Labels) > 0 && b.Labels[0] == label)) {
			return b.Body.Attributes, nil
		}
	}
	return nil, fmt.Errorf("frontdoor: %s has no %s %s block", file, typ, label)
}

// value evaluates a literal attribute (no references).
func value(attrs hclsyntax.Attributes, name string) (cty.Value, error) {
	a, ok := attrs[name]
	if !ok {
		return cty.NilVal, fmt.Errorf("frontdoor: no attribute %s", name)
	}
	v, diags := a.Expr.Value(nil)
	if diags.HasErrors() {
		return cty.NilVal, fmt.Errorf("frontdoor: %s: %w", name, diags)
	}
	return v, nil
}

func stringList(v cty.Value) []string {
	var out []string
	if v.IsNull() || !v.CanIterateElements() {
		return nil
	}
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if e.Type() == cty.String {
			out = append(out, e.AsString())
		}
	}
	return out
}
