package infra

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"os"

	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// testProjectNumber stands in for the project number the provider reads.
const testProjectNumber = "123456789012"

// functions are the Terraform functions infra/*.tf may use. A function not
// listed here fails evaluation, so adding one to the Terraform means adding
// it here too.
func functions() map[string]function.Function {
	return map[string]function.Function{
		"base64encode": base64EncodeFunc,
		"can":          tryfunc.CanFunc,
		"concat":       stdlib.ConcatFunc,
		"contains":     stdlib.ContainsFunc,
		"filemd5":      fileMD5Func,
		"flatten":      stdlib.FlattenFunc,
		"join":         stdlib.JoinFunc,
		"keys":         stdlib.KeysFunc,
		"length":       stdlib.LengthFunc,
		"lower":        stdlib.LowerFunc,
		"merge":        stdlib.MergeFunc,
		"regex":        stdlib.RegexFunc,
		"replace":      stdlib.ReplaceFunc,
		"toset":        stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)),
		"tostring":     stdlib.MakeToFunc(cty.String),
		"upper":        stdlib.UpperFunc,
	}
}

var base64EncodeFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "str", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return cty.StringVal(base64.StdEncoding.EncodeToString([]byte(args[0].AsString()))), nil
	},
})

var fileMD5Func = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "path", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		b, err := os.ReadFile(args[0].AsString())
		if err != nil {
			return cty.NilVal, err
		}
		sum := md5.Sum(b)
		return cty.StringVal(hex.EncodeToString(sum[:])), nil
	},
})

// computed adds the attributes the provider would compute and that the
// configuration reads, derived from the configured ones the way Google does.
func (m *module) computed(r *resource, v cty.Value) cty.Value {
	attrs := v.AsValueMap()
	if attrs == nil {
		attrs = map[string]cty.Value{}
	}
	project := m.vars["project_id"].AsString()
	if p, ok := attrs["project"]; ok && p.IsKnown() && !p.IsNull() {
		project = p.AsString()
	}
	set := func(name string, val cty.Value) {
		if _, ok := attrs[name]; !ok {
			attrs[name] = val
		}
	}
	str := func(name string) string {
		if a, ok := attrs[name]; ok && a.IsKnown() && !a.IsNull() && a.Type() == cty.String {
			return a.AsString()
		}
		return "?"
	}
	switch r.typ {
	case "google_service_account":
		email := str("account_id") + "@" + project + ".iam.gserviceaccount.com"
		set("email", cty.StringVal(email))
		set("member", cty.StringVal("serviceAccount:"+email))
		set("name", cty.StringVal("projects/"+project+"/serviceAccounts/"+email))
		set("id", attrs["name"])
		set("unique_id", cty.StringVal("109876543210987654321"))
	case "google_project_service_identity":
		email := "service-" + testProjectNumber + "@gcp-sa-pubsub.iam.gserviceaccount.com"
		set("email", cty.StringVal(email))
		set("member", cty.StringVal("serviceAccount:"+email))
	case "google_pubsub_topic":
		set("id", cty.StringVal("projects/"+project+"/topics/"+str("name")))
	case "google_pubsub_subscription":
		set("id", cty.StringVal("projects/"+project+"/subscriptions/"+str("name")))
	case "google_secret_manager_secret":
		set("id", cty.StringVal("projects/"+project+"/secrets/"+str("secret_id")))
		set("name", cty.StringVal("projects/"+testProjectNumber+"/secrets/"+str("secret_id")))
	case "google_artifact_registry_repository":
		set("id", cty.StringVal("projects/"+project+"/locations/"+str("location")+"/repositories/"+str("repository_id")))
		set("name", attrs["repository_id"])
	case "google_cloudfunctions2_function":
		set("url", cty.StringVal("https://"+str("location")+"-"+project+".cloudfunctions.net/"+str("name")))
	case "google_project_iam_custom_role":
		set("id", cty.StringVal("projects/"+project+"/roles/"+str("role_id")))
		set("name", attrs["id"])
	case "google_storage_project_service_account":
		set("email_address", cty.StringVal("service-"+testProjectNumber+"@gs-project-accounts.iam.gserviceaccount.com"))
	}
	set("id", cty.StringVal(r.typ+"/"+str("name")))
	return cty.ObjectVal(attrs)
}
