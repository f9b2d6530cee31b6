package infra

import (
	"slices"
	"strings"
	"testing"
)

// grant is one IAM membership: role for member on target (a resource of
// kind, e.g. a bucket name or a service account resource name).
type grant struct {
	kind, target, role, member string
}

// targetAttr names the attribute that identifies the resource an
// *_iam_member grants on.
var targetAttr = map[string]string{
	"google_project_iam_member":                      "project",
	"google_storage_bucket_iam_member":               "bucket",
	"google_service_account_iam_member":              "service_account_id",
	"google_cloud_tasks_queue_iam_member":            "name",
	"google_pubsub_topic_iam_member":                 "topic",
	"google_pubsub_subscription_iam_member":          "subscription",
	"google_secret_manager_secret_iam_member":        "secret_id",
	"google_cloud_run_v2_service_iam_member":         "name",
	"google_artifact_registry_repository_iam_member": "repository",
	"google_kms_crypto_key_iam_member":               "crypto_key_id",
}

func grants(t *testing.T, m *module) []grant {
	t.Helper()
	var out []grant
	for _, r := range m.resources {
		if r.mode != "resource" || !strings.Contains(r.typ, "_iam_") || r.typ == "google_project_iam_custom_role" {
			continue
		}
		attr, ok := targetAttr[r.typ]
		if !ok {
			t.Errorf("%s.%s: IAM resource type not understood by the tests (only *_iam_member is allowed)", r.typ, r.name)
			continue
		}
		for _, i := range r.instances {
			out = append(out, grant{r.typ, str(i.value, attr), str(i.value, "role"), str(i.value, "member")})
		}
	}
	return out
}

// holders returns the members holding role on target.
func holders(gs []grant, kind, target, role string) []string {
	var out []string
	for _, g := range gs {
		if g.kind == kind && g.target == target && g.role == role {
			out = append(out, g.member)
		}
	}
	return out
}

// members of the runtime accounts of the named functions.
func runtimeMembers(fns map[string]deployed, names []string) []string {
	var out []string
	for _, n := range names {
		out = append(out, "serviceAccount:"+fns[n].account)
	}
	return out
}

// No primitive roles, nothing public except the two admin APIs, and only a
// short list of project-wide roles.
func TestNoPrimitiveOrBroadRoles(t *testing.T) {
	m := loadModule(t, nil)
	allowedProjectRoles := []string{"roles/datastore.user", "roles/logging.logWriter", "roles/cloudfunctions.developer"}
	for _, g := range grants(t, m) {
		if g.role == "roles/owner" || g.role == "roles/editor" || g.role == "roles/viewer" {
			t.Errorf("primitive role %s granted to %s", g.role, g.member)
		}
		if g.kind == "google_project_iam_member" && !slices.Contains(allowedProjectRoles, g.role) {
			t.Errorf("project-wide %s granted to %s; grant on the resource instead", g.role, g.member)
		}
		public := g.member == "allUsers" || g.member == "allAuthenticatedUsers"
		if public && (g.kind != "google_cloud_run_v2_service_iam_member" || g.role != "roles/run.invoker") {
			t.Errorf("%s has %s on %s", g.member, g.role, g.target)
		}
	}
}

// Each function can be invoked by exactly its callers: the service accounts
// it admits in code, or (for the admin APIs, which verify ID tokens in code)
// the configured public member.
func TestInvokersAreExactlyTheCallers(t *testing.T) {
	m := loadModule(t, nil)
	fns := deployedFunctions(t, m)
	gs := grants(t, m)
	admin := reads("ORGEXPORT_ADMIN_TOKEN_AUDIENCE")
	for fn, d := range fns {
		name := str(d.value, "name")
		invokers := holders(gs, "google_cloud_run_v2_service_iam_member", name, "roles/run.invoker")
		var want []string
		switch {
		case slices.Contains(admin, fn):
			want = []string{m.vars["admin_api_invoker"].AsString()}
		case d.env["ORGEXPORT_ALLOWED_CALLERS"] != "":
			for _, c := range strings.Split(d.env["ORGEXPORT_ALLOWED_CALLERS"], ",") {
				want = append(want, "serviceAccount:"+c)
			}
		default:
			t.Errorf("%s verifies neither admin nor service tokens", fn)
		}
		if !sameSet(invokers, want) {
			t.Errorf("%s invokers %v, want %v", fn, invokers, want)
		}
	}
}

// A function may reach a resource exactly when its configuration names it.
func TestGrantsFollowWhatEachFunctionUses(t *testing.T) {
	m := loadModule(t, nil)
	fns := deployedFunctions(t, m)
	gs := grants(t, m)
	anyEnv := func(name string) string {
		for _, d := range fns {
			if v := d.env[name]; v != "" {
				return v
			}
		}
		t.Fatalf("no function sets %s", name)
		return ""
	}
	checks := []struct {
		what, kind, target, role, variable string
	}{
		{"publish export events", "google_pubsub_topic_iam_member", anyEnv("ORGEXPORT_EVENTS_TOPIC"), "roles/pubsub.publisher", "ORGEXPORT_EVENTS_TOPIC"},
		{"read the SMTP password", "google_secret_manager_secret_iam_member", fns["AssembleReport"].secrets["ORGEXPORT_SMTP_PASSWORD"], "roles/secretmanager.secretAccessor", "ORGEXPORT_SMTP_PASSWORD"},
	}
	for _, c := range checks {
		got := holders(gs, c.kind, c.target, c.role)
		if want := runtimeMembers(fns, reads(c.variable)); !sameSet(got, want) {
			t.Errorf("may %s: %v; want exactly the functions reading %s: %v", c.what, got, c.variable, want)
		}
	}
	for fn, d := range fns {
		member := "serviceAccount:" + d.account
		if !slices.Contains(holders(gs, "google_project_iam_member", m.vars["project_id"].AsString(), "roles/datastore.user"), member) {
			t.Errorf("%s cannot use Firestore", fn)
		}
	}
	checkArchiveAccess(t, m, fns, gs, anyEnv("ORGEXPORT_BUCKET"))
}

// Only functions that read ORGEXPORT_BUCKET touch the archive, with
// permissions on objects only, and nobody else holds any role on it.
func checkArchiveAccess(t *testing.T, m *module, fns map[string]deployed, gs []grant, bucket string) {
	t.Helper()
	users := map[string]bool{}
	for _, g := range gs {
		if g.kind != "google_storage_bucket_iam_member" || g.target != bucket {
			continue
		}
		users[g.member] = true
		perms, ok := rolePermissions(m, g.role)
		if !ok {
			t.Errorf("%s has %s on the archive, a role the tests do not know", g.member, g.role)
		}
		for _, p := range perms {
			if !strings.HasPrefix(p, "storage.objects.") && !strings.HasPrefix(p, "storage.multipartUploads.") &&
				!strings.HasPrefix(p, "storage.managedFolders.") && !strings.HasPrefix(p, "storage.folders.") {
				t.Errorf("%s may %s on the archive; only permissions on objects are allowed", g.member, p)
			}
		}
	}
	var want []string
	for fn, ops := range neededOperations(t) {
		if slices.ContainsFunc(ops, func(o need) bool { return o.kind == "bucket" }) {
			want = append(want, "serviceAccount:"+fns[fn].account)
		}
	}
	var got []string
	for u := range users {
		got = append(got, u)
	}
	if !sameSet(got, want) {
		t.Errorf("archive users %v, want exactly the functions reading ORGEXPORT_BUCKET %v", got, want)
	}
}

// Dead-lettering works only if the Pub/Sub service agent may publish to the
// dead-letter topic and acknowledge on the source subscription.
func TestPubSubServiceAgentCanDeadLetter(t *testing.T) {
	m := loadModule(t, nil)
	gs := grants(t, m)
	agent := str(m.one(t, "google_project_service_identity", "pubsub"), "member")
	sub := m.one(t, "google_pubsub_subscription", "assemble_report")
	dlq := str(sub, "dead_letter_policy", 0, "dead_letter_topic")
	dlqName := dlq[strings.LastIndex(dlq, "/")+1:]
	if !slices.Contains(holders(gs, "google_pubsub_topic_iam_member", dlqName, "roles/pubsub.publisher"), agent) {
		t.Errorf("the Pub/Sub service agent cannot publish to %s", dlqName)
	}
	if !slices.Contains(holders(gs, "google_pubsub_subscription_iam_member", str(sub, "name"), "roles/pubsub.subscriber"), agent) {
		t.Errorf("the Pub/Sub service agent cannot acknowledge on %s", str(sub, "name"))
	}
}
