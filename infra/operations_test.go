package infra

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
)

// need is one permission a function needs on one resource, in the
// deployment's terms: kind is "bucket", "queue:control", "queue:accounts",
// "topic", "sa:delegation", "sa:tasks_invoker" or "firestore".
type need struct{ fn, kind, permission string }

// notExercised are operations the code performs on paths the end-to-end
// run (emulators/devstack TestOperationsAreWhatInfraExpects) does not take,
// each with the code that takes it. An entry the run does record must be
// removed from here: the list holds only what the run cannot show.
var notExercised = []struct {
	need
	why string
}{
	{need{"BeginExport", "queue:control", "cloudtasks.tasks.create"}, "pipeline.continueBegin: an enumeration longer than one invocation continues in a new begin task"},
	{need{"ExportAccount", "bucket", "storage.objects.delete"}, "a part whose upload finished but whose checkpoint was not saved is redone under the same name (R8b), replacing the object"},
	{need{"AssembleReport", "bucket", "storage.objects.delete"}, "a redelivered event rewrites report.html, report.json and manifest.json, replacing them"},
	{need{"Housekeeping", "queue:control", "cloudtasks.tasks.create"}, "control.Housekeeping: an export past its hold whose begin task went missing is enqueued again"},
	{need{"Housekeeping", "queue:accounts", "cloudtasks.tasks.create"}, "control.Housekeeping: an account whose worker stopped beating is sent again"},
	{need{"Housekeeping", "sa:tasks_invoker", "iam.serviceAccounts.actAs"}, "the tasks Housekeeping enqueues carry the tasks invoker's token"},
	{need{"Housekeeping", "topic", "pubsub.topics.publish"}, "control.Housekeeping nudges AssembleReport for a running export whose accounts are all final"},
	{need{"AssembleReport", "bucket", "storage.objects.get"}, "the report lists each failed item from its part's failures file (the run's organisation has no item that fails)"},
	{need{"BeginExport", "bucket", "storage.objects.delete"}, "pipeline.Purge deletes a cancelled export's objects (the run cancels during the hold, before there are any)"},
	{need{"StartExport", "bucket", "storage.objects.get"}, "the console serves report.html and GET /exports/{id}/downloads reads manifest.json and signs URLs that read as StartExport (the run uses neither)"},
}

// recordedOperations reads testdata/operations.json in the deployment's
// terms: the dev stack's names for the bucket, queues, topic and service
// accounts mapped to their kinds.
func recordedOperations(t *testing.T) []need {
	t.Helper()
	b, err := os.ReadFile("testdata/operations.json")
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string][]struct{ Permission, Resource string }
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	var out []need
	for fn, ops := range raw {
		for _, o := range ops {
			kind := ""
			switch r := o.Resource; {
			case strings.HasPrefix(o.Permission, "unclassified:"):
				t.Errorf("%s did something the recorder cannot name: %s", fn, o.Permission)
			case strings.HasSuffix(r, "/queues/export-control"):
				kind = "queue:control"
			case strings.HasSuffix(r, "/queues/export-accounts"):
				kind = "queue:accounts"
			case strings.HasSuffix(r, "/topics/export-events"):
				kind = "topic"
			case strings.HasPrefix(r, "tasks-invoker@"):
				kind = "sa:tasks_invoker"
			case strings.Contains(r, "delegation@"):
				kind = "sa:delegation"
			case strings.HasPrefix(o.Permission, "datastore."):
				kind = "firestore"
			case strings.HasPrefix(o.Permission, "storage."):
				kind = "bucket"
			default:
				t.Errorf("%s: %s on %s: resource not understood", fn, o.Permission, r)
			}
			out = append(out, need{fn, kind, o.Permission})
		}
	}
	return out
}

// neededOperations is what each function needs: recorded or not exercised.
func neededOperations(t *testing.T) map[string][]need {
	t.Helper()
	rec := recordedOperations(t)
	out := map[string][]need{}
	for _, n := range rec {
		out[n.fn] = append(out[n.fn], n)
	}
	for _, x := range notExercised {
		if slices.Contains(rec, x.need) {
			t.Errorf("%+v is recorded by the end-to-end run now: remove it from notExercised", x.need)
		}
		out[x.fn] = append(out[x.fn], x.need)
	}
	return out
}

// predefinedRoles are the permissions of the predefined roles infra/ uses,
// as Google's IAM role reference lists them (read, not verifiable here),
// limited to the services checked below.
var predefinedRoles = map[string][]string{
	"roles/datastore.user":               {"datastore.entities.allocateIds", "datastore.entities.create", "datastore.entities.delete", "datastore.entities.get", "datastore.entities.list", "datastore.entities.update"},
	"roles/datastore.viewer":             {"datastore.entities.get", "datastore.entities.list"},
	"roles/cloudtasks.enqueuer":          {"cloudtasks.tasks.create"},
	"roles/pubsub.publisher":             {"pubsub.topics.publish"},
	"roles/secretmanager.secretAccessor": {"secretmanager.versions.access"},
	"roles/run.invoker":                  {"run.routes.invoke"},
	"roles/iam.serviceAccountTokenCreator": {"iam.serviceAccounts.getAccessToken", "iam.serviceAccounts.getOpenIdToken",
		"iam.serviceAccounts.implicitDelegation", "iam.serviceAccounts.signBlob", "iam.serviceAccounts.signJwt"},
	"roles/iam.serviceAccountUser": {"iam.serviceAccounts.actAs", "iam.serviceAccounts.get", "iam.serviceAccounts.list"},
	"roles/storage.objectCreator":  {"storage.objects.create", "storage.managedFolders.create", "storage.multipartUploads.create", "storage.multipartUploads.abort", "storage.multipartUploads.listParts"},
	"roles/storage.objectViewer":   {"storage.objects.get", "storage.objects.list", "storage.folders.get", "storage.folders.list", "storage.managedFolders.get", "storage.managedFolders.list"},
	"roles/storage.objectUser": {"storage.objects.create", "storage.objects.delete", "storage.objects.get", "storage.objects.list", "storage.objects.restore",
		"storage.objects.update", "storage.multipartUploads.create", "storage.multipartUploads.abort", "storage.multipartUploads.list", "storage.multipartUploads.listParts"},
}

// rolePermissions returns a predefined role's permissions, or a custom
// role's as infra/ defines it.
func rolePermissions(m *module, role string) ([]string, bool) {
	if p, ok := predefinedRoles[role]; ok {
		return p, true
	}
	for _, i := range m.all("google_project_iam_custom_role") {
		if str(i.value, "id") == role {
			var out []string
			for _, p := range list(get(i.value, "permissions")) {
				out = append(out, p.AsString())
			}
			return out, true
		}
	}
	return nil, false
}

// checked are the services whose permissions are compared one by one.
// Firestore is compared by role (see below).
func checked(p string) bool {
	for _, prefix := range []string{"storage.", "cloudtasks.", "pubsub.", "iam.serviceAccounts."} {
		if strings.HasPrefix(p, prefix) {
			return true
		}
	}
	return false
}

// TestGrantsAreExactlyTheRecordedOperations holds infra/ to what the code
// does against Google Cloud: for each function, the permissions its
// service account holds on the bucket, the queues, the topic and the
// service accounts are exactly those it was recorded using (or that a path
// in notExercised needs) — nothing missing, nothing unused. For Firestore
// the role must be the smaller of datastore.viewer and datastore.user that
// covers what it did: a custom role narrower than datastore.user could
// refuse calls the client library makes around the ones recorded
// (transactions, metadata), which cannot be checked here.
func TestGrantsAreExactlyTheRecordedOperations(t *testing.T) {
	m := loadModule(t, nil)
	fns := deployedFunctions(t, m)
	gs := grants(t, m)
	project := m.vars["project_id"].AsString()
	targets := map[string]struct{ kind, target string }{
		"bucket":           {"google_storage_bucket_iam_member", str(m.one(t, "google_storage_bucket", "archive"), "name")},
		"queue:control":    {"google_cloud_tasks_queue_iam_member", str(m.one(t, "google_cloud_tasks_queue", "control"), "name")},
		"queue:accounts":   {"google_cloud_tasks_queue_iam_member", str(m.one(t, "google_cloud_tasks_queue", "accounts"), "name")},
		"topic":            {"google_pubsub_topic_iam_member", str(m.one(t, "google_pubsub_topic", "events"), "name")},
		"sa:tasks_invoker": {"google_service_account_iam_member", str(m.one(t, "google_service_account", "caller", "tasks_invoker"), "name")},
		"sa:delegation":    {"google_service_account_iam_member", str(m.one(t, "google_service_account", "delegation"), "name")},
		"firestore":        {"google_project_iam_member", project},
	}
	needed := neededOperations(t)
	for fn, d := range fns {
		member := "serviceAccount:" + d.account
		for kind, tg := range targets {
			var want []string
			for _, n := range needed[fn] {
				if n.kind == kind {
					want = append(want, n.permission)
				}
			}
			var have []string
			var roles []string
			for _, g := range gs {
				if g.kind != tg.kind || g.target != tg.target || g.member != member {
					continue
				}
				perms, ok := rolePermissions(m, g.role)
				if !ok {
					t.Errorf("%s holds %s, a role the tests do not know: add its permissions to predefinedRoles", fn, g.role)
				}
				roles = append(roles, g.role)
				for _, p := range perms {
					if checked(p) {
						have = append(have, p)
					}
				}
			}
			if kind == "firestore" {
				checkFirestoreRole(t, fn, roles, want)
				continue
			}
			for _, p := range want {
				if !slices.Contains(have, p) {
					t.Errorf("%s needs %s on %s and is not granted it (roles %v)", fn, p, kind, roles)
				}
			}
			for _, p := range have {
				if !slices.Contains(want, p) {
					t.Errorf("%s is granted %s on %s (roles %v) and never uses it", fn, p, kind, roles)
				}
			}
		}
	}
}

func checkFirestoreRole(t *testing.T, fn string, roles, needs []string) {
	t.Helper()
	want := ""
	for _, r := range []string{"roles/datastore.viewer", "roles/datastore.user"} {
		if covers(predefinedRoles[r], needs) {
			want = r
			break
		}
	}
	if len(needs) == 0 {
		want = ""
	}
	if (want == "" && len(roles) > 0) || (want != "" && !slices.Equal(roles, []string{want})) {
		t.Errorf("%s holds %v on Firestore; it uses %v, so it should hold exactly %q", fn, roles, needs, want)
	}
}

func covers(have, needs []string) bool {
	for _, n := range needs {
		if !slices.Contains(have, n) {
			return false
		}
	}
	return true
}
