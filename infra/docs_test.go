package infra

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/orgexport/orgexport/shared/delegation"
)

// The deploy guide lists exactly the scopes the connectors use, and gives
// them as the one comma-separated line the Admin console takes.
func TestDeployGuideListsExactlyTheDelegationScopes(t *testing.T) {
	b, err := os.ReadFile("../docs/deploy.md")
	if err != nil {
		t.Fatal(err)
	}
	guide := string(b)
	listed := regexp.MustCompile(`https://www\.googleapis\.com/auth/[A-Za-z0-9._-]+`).FindAllString(guide, -1)
	for _, s := range listed {
		if !slices.Contains(delegation.Scopes, s) {
			t.Errorf("docs/deploy.md lists %s, which the code does not use", s)
		}
	}
	for _, s := range delegation.Scopes {
		if !slices.Contains(listed, s) {
			t.Errorf("docs/deploy.md does not list %s", s)
		}
	}
	if line := strings.Join(delegation.Scopes, ","); !strings.Contains(guide, "\n"+line+"\n") {
		t.Errorf("docs/deploy.md lacks the comma-separated line for the Admin console:\n%s", line)
	}
	if block := strings.Join(delegation.Scopes, "\n"); !strings.Contains(guide, "\n"+block+"\n") {
		t.Errorf("docs/deploy.md lacks the scopes one per line, in the code's order:\n%s", block)
	}
}

// apiForScope maps the first part of a scope's name to the API it needs.
var apiForScope = map[string]string{
	"admin":        "admin.googleapis.com",
	"gmail":        "gmail.googleapis.com",
	"drive":        "drive.googleapis.com",
	"calendar":     "calendar-json.googleapis.com",
	"contacts":     "people.googleapis.com",
	"tasks":        "tasks.googleapis.com",
	"keep":         "keep.googleapis.com",
	"chat":         "chat.googleapis.com",
	"classroom":    "classroom.googleapis.com",
	"apps":         "groupssettings.googleapis.com",
	"ediscovery":   "vault.googleapis.com",
	"devstorage":   "storage.googleapis.com",
	"cloud_search": "cloudsearch.googleapis.com",
}

// Every scope's API is enabled in the project of the delegation account.
func TestWorkspaceAPIsAreEnabled(t *testing.T) {
	m := loadModule(t, nil)
	var enabled []string
	for _, s := range m.all("google_project_service") {
		enabled = append(enabled, str(s.value, "service"))
	}
	for _, scope := range delegation.Scopes {
		first, _, _ := strings.Cut(strings.TrimPrefix(scope, "https://www.googleapis.com/auth/"), ".")
		api, ok := apiForScope[first]
		if !ok {
			t.Errorf("no API known for scope %s; add it to apiForScope and infra/apis.tf", scope)
			continue
		}
		if !slices.Contains(enabled, api) {
			t.Errorf("scope %s needs %s, which infra/apis.tf does not enable", scope, api)
		}
	}
}

// step is one Cloud Build step.
type step struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Entrypoint string   `json:"entrypoint"`
	Args       []string `json:"args"`
	WaitFor    []string `json:"waitFor"`
}

// loadCloudBuild reads ../cloudbuild.yaml through Python's YAML parser (the
// module has no YAML dependency); it skips when Python or PyYAML is missing.
func loadCloudBuild(t *testing.T) (map[string]string, []step) {
	t.Helper()
	cmd := exec.Command("python3", "-c", "import sys, json, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)", "../cloudbuild.yaml")
	out, err := cmd.Output()
	if err != nil {
		if _, lookErr := exec.LookPath("python3"); lookErr != nil || strings.Contains(stderrOf(err), "No module named 'yaml'") {
			t.Skip("python3 with PyYAML is needed to parse cloudbuild.yaml")
		}
		t.Fatalf("cloudbuild.yaml does not parse: %v %s", err, stderrOf(err))
	}
	var cfg struct {
		Substitutions map[string]string `json:"substitutions"`
		Steps         []step            `json:"steps"`
	}
	if err := json.Unmarshal(out, &cfg); err != nil {
		t.Fatalf("cloudbuild.yaml: %v", err)
	}
	return cfg.Substitutions, cfg.Steps
}

func stderrOf(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}

// The pipeline vets, tests with the emulators, and only then deploys every
// registered function under its infra name and entry point.
func TestCloudBuildTestsThenDeploysEveryFunction(t *testing.T) {
	subs, steps := loadCloudBuild(t)
	for _, s := range []string{"_PROJECT", "_REGION"} {
		if _, ok := subs[s]; !ok {
			t.Errorf("cloudbuild.yaml has no substitution %s", s)
		}
	}
	after := func(s step, id string) bool { return runsAfter(steps, s, id) }
	find := func(pred func(step) bool) (step, bool) {
		for _, s := range steps {
			if pred(s) {
				return s, true
			}
		}
		return step{}, false
	}
	cmd := func(s step) string { return strings.Join(s.Args, " ") }
	vet, okVet := find(func(s step) bool { return strings.Contains(cmd(s), "go vet ./...") })
	test, okTest := find(func(s step) bool {
		return strings.Contains(cmd(s), "go test") && strings.HasSuffix(s.Name, ":emulators")
	})
	if !okVet || !okTest {
		t.Fatalf("want a go vet step and a go test step in the emulators image (vet %v, test %v)", okVet, okTest)
	}
	if !after(test, vet.ID) {
		t.Error("tests do not wait for vet")
	}
	m := loadModule(t, nil)
	fns := deployedFunctions(t, m)
	for fn := range registeredFunctions(t) {
		want := "infra/deploy-function.sh " + str(fns[fn].value, "name") + " " + fn
		deploy, ok := find(func(s step) bool { return strings.Contains(cmd(s), want) })
		if !ok {
			t.Errorf("no step runs %q", want)
			continue
		}
		if !after(deploy, test.ID) {
			t.Errorf("step %s deploys %s without waiting for the tests", deploy.ID, fn)
		}
	}
}

// The deploy script is valid shell and deploys gen2 functions on go126.
func TestDeployScript(t *testing.T) {
	b, err := os.ReadFile("deploy-function.sh")
	if err != nil {
		t.Fatal(err)
	}
	for _, flag := range []string{"--gen2", "--runtime=go126", `--entry-point="$entry_point"`, `--source="$source"`} {
		if !strings.Contains(string(b), flag) {
			t.Errorf("deploy-function.sh does not pass %s", flag)
		}
	}
	if out, err := exec.Command("bash", "-n", "deploy-function.sh").CombinedOutput(); err != nil {
		t.Errorf("deploy-function.sh: %v\n%s", err, out)
	}
}

// terraform fmt runs without providers, so it runs when terraform is here.
func TestTerraformIsFormatted(t *testing.T) {
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Skip("terraform is not installed")
	}
	cmd := exec.Command("terraform", "fmt", "-check", "-list=true", ".")
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE=/dev/null", "CHECKPOINT_DISABLE=1")
	if out, err := cmd.Output(); err != nil {
		t.Errorf("terraform fmt -check: %v; unformatted: %s", err, out)
	}
}

// runsAfter reports whether step s starts only after step id finished. A step
// without waitFor waits for every step before it; "-" means no wait.
func runsAfter(steps []step, s step, id string) bool {
	deps := map[string][]string{}
	var previous []string
	for _, st := range steps {
		deps[st.ID] = st.WaitFor
		if len(st.WaitFor) == 0 {
			deps[st.ID] = slices.Clone(previous)
		}
		previous = append(previous, st.ID)
	}
	seen := map[string]bool{}
	queue := slices.Clone(deps[s.ID])
	for len(queue) > 0 {
		w := queue[0]
		queue = queue[1:]
		if w == id {
			return true
		}
		if !seen[w] {
			seen[w] = true
			queue = append(queue, deps[w]...)
		}
	}
	return false
}

// The names the guide and the deploy script rely on exist in infra/: the
// outputs it reads and the build service account the script passes.
func TestGuideAndScriptNameWhatInfraCreates(t *testing.T) {
	m := loadModule(t, nil)
	outputs := map[string]bool{}
	files, _ := filepath.Glob("*.tf")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range regexp.MustCompile(`(?m)^output "([a-z_]+)"`).FindAllStringSubmatch(string(b), -1) {
			outputs[o[1]] = true
		}
	}
	guide, err := os.ReadFile("../docs/deploy.md")
	if err != nil {
		t.Fatal(err)
	}
	used := regexp.MustCompile(`terraform (?:-chdir=\S+ )?output (?:-raw |-json )?([a-z_]+)`).FindAllStringSubmatch(string(guide), -1)
	if len(used) == 0 {
		t.Error("the guide reads no terraform output")
	}
	for _, u := range used {
		if !outputs[u[1]] {
			t.Errorf("docs/deploy.md reads output %q, which infra/ does not define", u[1])
		}
	}
	script, err := os.ReadFile("deploy-function.sh")
	if err != nil {
		t.Fatal(err)
	}
	build := str(m.one(t, "google_service_account", "build"), "account_id")
	if !strings.Contains(string(script), "/serviceAccounts/"+build+"@") {
		t.Errorf("deploy-function.sh does not build as infra's build account %q", build)
	}
}
