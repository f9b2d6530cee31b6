package infra

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/orgexport/orgexport/shared/config"
)

// Every function registered in functions.go is deployed as a gen2 function
// on go126, under its own entry point, running as its own service account.
func TestEveryRegisteredFunctionIsDeployed(t *testing.T) {
	m := loadModule(t, nil)
	fns := deployedFunctions(t, m)
	registered := registeredFunctions(t)
	if got, want := slices.Sorted(maps.Keys(fns)), slices.Sorted(maps.Keys(registered)); !slices.Equal(got, want) {
		t.Fatalf("infra deploys %v; functions.go registers %v", got, want)
	}
	if got, want := slices.Sorted(maps.Keys(config.Variables())), slices.Sorted(maps.Keys(registered)); !slices.Equal(got, want) {
		t.Fatalf("config.Variables() covers %v; functions.go registers %v", got, want)
	}
	accounts := map[string]string{}
	for name, d := range fns {
		if rt := str(d.value, "build_config", 0, "runtime"); rt != "go126" {
			t.Errorf("%s: runtime %q, want go126", name, rt)
		}
		if d.account == "" || strings.Contains(d.account, "compute@developer") || strings.Contains(d.account, "appspot") {
			t.Errorf("%s runs as %q, want its own service account", name, d.account)
		}
		if other, dup := accounts[d.account]; dup {
			t.Errorf("%s and %s share the service account %s", name, other, d.account)
		}
		accounts[d.account] = name
		if str(d.value, "service_config", 0, "ingress_settings") == "" {
			t.Errorf("%s: ingress_settings not set", name)
		}
	}
}

// Each function gets exactly the variables its configuration code reads:
// nothing missing, nothing extra, secrets only from Secret Manager.
func TestEnvironmentIsExactlyWhatTheCodeReads(t *testing.T) {
	m := loadModule(t, nil)
	fns := deployedFunctions(t, m)
	secretIDs := map[string]bool{}
	for _, s := range m.all("google_secret_manager_secret") {
		secretIDs[str(s.value, "secret_id")] = true
	}
	for fn, want := range config.Variables() {
		d, ok := fns[fn]
		if !ok {
			t.Errorf("%s is not deployed", fn)
			continue
		}
		got := slices.Concat(slices.Collect(maps.Keys(d.env)), slices.Collect(maps.Keys(d.secrets)))
		for _, name := range want {
			if !slices.Contains(got, name) {
				t.Errorf("%s reads %s but infra does not set it", fn, name)
			}
		}
		for _, name := range got {
			if !slices.Contains(want, name) {
				t.Errorf("%s: infra sets %s, which the code does not read", fn, name)
			}
		}
		for name, secret := range d.secrets {
			if _, plain := d.env[name]; plain {
				t.Errorf("%s: %s is both a plain variable and a secret", fn, name)
			}
			if !secretIDs[secret] {
				t.Errorf("%s: %s comes from secret %q, which infra does not create", fn, name, secret)
			}
		}
		for name := range d.env {
			if strings.Contains(name, "PASSWORD") || strings.Contains(name, "SECRET") {
				t.Errorf("%s: %s is a plain variable; secrets come from Secret Manager", fn, name)
			}
		}
	}
}

// The values infra sets pass the code's own validation, so a fresh
// deployment starts instead of failing on its configuration.
func TestEnvironmentPassesConfigurationValidation(t *testing.T) {
	m := loadModule(t, nil)
	for fn, d := range deployedFunctions(t, m) {
		load, ok := loaders[fn]
		if !ok {
			t.Errorf("no configuration loader known for %s; add it to loaders", fn)
			continue
		}
		err := load(func(k string) string {
			if _, secret := d.secrets[k]; secret {
				return "from-secret-manager-a-long-random-value-like-a-key" // as long as a session key
			}
			return d.env[k]
		})
		if err != nil {
			t.Errorf("%s would not start: %v", fn, err)
		}
	}
}

// A function that Cloud Tasks calls runs at least as long as the 30-minute
// dispatch deadline, and ExportAccount checkpoints before its timeout.
func TestTimeoutsCoverTheirCallers(t *testing.T) {
	m := loadModule(t, nil)
	fns := deployedFunctions(t, m)
	timeout := func(fn string) time.Duration {
		return time.Duration(num(fns[fn].value, "service_config", 0, "timeout_seconds")) * time.Second
	}
	for _, fn := range []string{"BeginExport", "ExportAccount"} {
		if timeout(fn) < 30*time.Minute {
			t.Errorf("%s timeout %s is below the 30-minute task dispatch deadline", fn, timeout(fn))
		}
	}
	budget, err := time.ParseDuration(fns["ExportAccount"].env["ORGEXPORT_TIME_BUDGET"])
	if err != nil || budget >= timeout("ExportAccount")-time.Minute {
		t.Errorf("ExportAccount time budget %q leaves no margin before its %s timeout", fns["ExportAccount"].env["ORGEXPORT_TIME_BUDGET"], timeout("ExportAccount"))
	}
	ack := time.Duration(num(m.one(t, "google_pubsub_subscription", "assemble_report"), "ack_deadline_seconds")) * time.Second
	if timeout("AssembleReport") > ack {
		t.Errorf("AssembleReport may run %s but Pub/Sub redelivers after %s", timeout("AssembleReport"), ack)
	}
	deadline, _ := time.ParseDuration(str(m.one(t, "google_cloud_scheduler_job", "housekeeping"), "attempt_deadline"))
	if timeout("Housekeeping") > deadline {
		t.Errorf("Housekeeping may run %s but the scheduler gives up after %s", timeout("Housekeeping"), deadline)
	}
	if got := num(fns["ExportAccount"].value, "service_config", 0, "max_instance_count"); got < num(m.one(t, "google_cloud_tasks_queue", "accounts"), "rate_limits", 0, "max_concurrent_dispatches") {
		t.Errorf("ExportAccount max instances %d is below the accounts queue's concurrency", got)
	}
}

// Service callers (Cloud Tasks, Pub/Sub push, Scheduler) present tokens for
// the function's own URL, from an account the function admits both in Cloud
// Run IAM and in its own check.
func TestServiceCallersPresentTokensTheFunctionAccepts(t *testing.T) {
	m := loadModule(t, nil)
	fns := deployedFunctions(t, m)
	allowed := func(fn string) []string {
		return strings.Split(fns[fn].env["ORGEXPORT_ALLOWED_CALLERS"], ",")
	}
	for _, fn := range reads("ORGEXPORT_SERVICE_TOKEN_AUDIENCE") {
		if got := fns[fn].env["ORGEXPORT_SERVICE_TOKEN_AUDIENCE"]; got != fns[fn].url {
			t.Errorf("%s accepts tokens for %q, but its URL is %q", fn, got, fns[fn].url)
		}
	}
	tasks := []struct{ variable, target string }{{"ORGEXPORT_BEGIN_URL", "BeginExport"}, {"ORGEXPORT_EXPORT_ACCOUNT_URL", "ExportAccount"}}
	for _, fn := range reads("ORGEXPORT_TASKS_INVOKER") {
		for _, task := range tasks {
			if got := fns[fn].env[task.variable]; got != fns[task.target].url {
				t.Errorf("%s: %s = %q, want %s's URL %q", fn, task.variable, got, task.target, fns[task.target].url)
			}
			if inv := fns[fn].env["ORGEXPORT_TASKS_INVOKER"]; !slices.Contains(allowed(task.target), inv) {
				t.Errorf("tasks from %s carry %s's token, which %s does not accept (%v)", fn, inv, task.target, allowed(task.target))
			}
		}
	}
	sub := m.one(t, "google_pubsub_subscription", "assemble_report")
	checkOIDC(t, "push subscription", get(sub, "push_config", 0, "oidc_token", 0), fns["AssembleReport"], allowed("AssembleReport"))
	wantEndpoint := fmt.Sprintf("%s/projects/%s/topics/%s", fns["AssembleReport"].url, m.vars["project_id"].AsString(), config.DefaultEventsTopic)
	if got := str(sub, "push_config", 0, "push_endpoint"); got != wantEndpoint {
		t.Errorf("push endpoint %q, want %q", got, wantEndpoint)
	}
	job := m.one(t, "google_cloud_scheduler_job", "housekeeping")
	checkOIDC(t, "scheduler job", get(job, "http_target", 0, "oidc_token", 0), fns["Housekeeping"], allowed("Housekeeping"))
	if got := str(job, "http_target", 0, "uri"); got != fns["Housekeeping"].url {
		t.Errorf("scheduler calls %q, want Housekeeping at %q", got, fns["Housekeeping"].url)
	}
}

func checkOIDC(t *testing.T, caller string, tok cty.Value, fn deployed, allowed []string) {
	t.Helper()
	if tok == cty.NilVal || tok.IsNull() {
		t.Errorf("%s sends no OIDC token to %s", caller, fn.key)
		return
	}
	if sa := str(tok, "service_account_email"); !slices.Contains(allowed, sa) {
		t.Errorf("%s's token is for %q, which %s does not accept (%v)", caller, sa, fn.key, allowed)
	}
	if aud := str(tok, "audience"); aud != fn.env["ORGEXPORT_SERVICE_TOKEN_AUDIENCE"] {
		t.Errorf("%s's token audience %q, %s expects %q", caller, aud, fn.key, fn.env["ORGEXPORT_SERVICE_TOKEN_AUDIENCE"])
	}
}

// Secrets never pass through Terraform variables (and so never reach its
// state): the SMTP password is added to Secret Manager by hand.
func TestNoSecretIsATerraformVariable(t *testing.T) {
	m := loadModule(t, nil)
	for name := range m.variables {
		if strings.Contains(name, "password") || strings.Contains(name, "token") || (strings.Contains(name, "secret") && name != "secret_locations") {
			t.Errorf("variable %q looks like a secret; put it in Secret Manager instead", name)
		}
	}
}

// ExportAccount's part writer deflates on as many workers as the function
// has vCPUs: one variable sets both.
func TestZipWorkersFollowExportAccountCPU(t *testing.T) {
	for _, cpu := range []string{"1", "2", "4"} {
		m := loadModule(t, map[string]cty.Value{"export_account_cpu": cty.StringVal(cpu)})
		d := deployedFunctions(t, m)["ExportAccount"]
		if got := str(d.value, "service_config", 0, "available_cpu"); got != cpu {
			t.Errorf("export_account_cpu %s gives ExportAccount %q vCPUs", cpu, got)
		}
		if got := d.env["ORGEXPORT_ZIP_WORKERS"]; got != cpu {
			t.Errorf("ExportAccount with %s vCPUs deflates on %q workers", cpu, got)
		}
	}
	m := loadModule(t, nil)
	if !m.validates(t, "export_account_cpu", cty.StringVal("2")) || m.validates(t, "export_account_cpu", cty.StringVal("3")) {
		t.Error("export_account_cpu accepts other values than 1, 2 and 4")
	}
}
