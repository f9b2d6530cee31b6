package infra

import (
	"slices"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// Cloud Run removes the signature of the tokens it verifies for a function
// that requires IAM. A function accepts such a token only when its
// configuration says it is behind IAM, and that must be true exactly when
// Cloud Run IAM admits only the callers the function expects: an unsigned
// token reaching a function open to allUsers would be a forgery.
func TestBehindIAMExactlyWhenOnlyTheCallersMayInvoke(t *testing.T) {
	for name, vars := range map[string]map[string]cty.Value{"defaults": nil,
		"another admin invoker": {"admin_api_invoker": cty.StringVal("domain:example.com")}} {
		t.Run(name, func(t *testing.T) {
			m := loadModule(t, vars)
			fns := deployedFunctions(t, m)
			gs := grants(t, m)
			for fn, d := range fns {
				invokers := holders(gs, "google_cloud_run_v2_service_iam_member", str(d.value, "name"), "roles/run.invoker")
				var callers []string
				for _, c := range strings.Split(d.env["ORGEXPORT_ALLOWED_CALLERS"], ",") {
					if c != "" {
						callers = append(callers, "serviceAccount:"+c)
					}
				}
				onlyCallers := len(callers) > 0 && sameSet(invokers, callers)
				behind := d.env["ORGEXPORT_BEHIND_CLOUD_RUN_IAM"] == "true"
				if behind != onlyCallers {
					t.Errorf("%s: ORGEXPORT_BEHIND_CLOUD_RUN_IAM=%q but its invokers are %v (its callers %v)", fn, d.env["ORGEXPORT_BEHIND_CLOUD_RUN_IAM"], invokers, callers)
				}
				if behind && (slices.Contains(invokers, "allUsers") || slices.Contains(invokers, "allAuthenticatedUsers")) {
					t.Errorf("%s accepts unsigned tokens and is open to everyone", fn)
				}
			}
		})
	}
}
