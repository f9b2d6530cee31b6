package infra

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/orgexport/orgexport/shared/config"
	"github.com/orgexport/orgexport/shared/store"
)

// R8a, R12, R13: the archive is in the US, private, and deleted after the
// retention period, with nothing kept beyond it.
func TestArchiveBucketIsUSPrivateAndExpires(t *testing.T) {
	m := loadModule(t, nil)
	b := m.one(t, "google_storage_bucket", "archive")
	if got := str(b, "location"); got != "US" {
		t.Errorf("archive location %q, want US by default", got)
	}
	if str(b, "uniform_bucket_level_access") != "true" {
		t.Error("uniform bucket-level access is off")
	}
	if got := str(b, "public_access_prevention"); got != "enforced" {
		t.Errorf("public access prevention %q, want enforced", got)
	}
	if got := m.vars["retention_days"].AsBigFloat().String(); got != "30" {
		t.Errorf("retention_days defaults to %s, want 30 (R12)", got)
	}
	// R12: deleted 30 days after the export completed (its Custom-Time,
	// stamped at assembly); a backstop by age may only come later than the
	// longest export (14 days) plus those 30 days, or early parts would go
	// before their time.
	var sinceCompletion, ages []string
	for _, rule := range list(get(b, "lifecycle_rule")) {
		if str(rule, "action", 0, "type") != "Delete" {
			continue
		}
		if d := str(rule, "condition", 0, "days_since_custom_time"); d != "" {
			sinceCompletion = append(sinceCompletion, d)
		}
		if a := str(rule, "condition", 0, "age"); a != "" {
			ages = append(ages, a)
		}
	}
	if !slices.Equal(sinceCompletion, []string{"30"}) {
		t.Errorf("delete rules %v days after Custom-Time, want one at 30 days (R12)", sinceCompletion)
	}
	for _, a := range ages {
		if n, err := strconv.Atoi(a); err != nil || n < 30+14 {
			t.Errorf("a delete rule at age %s days would delete parts of a 14-day export before 30 days after completion", a)
		}
	}
	if got := str(b, "soft_delete_policy", 0, "retention_duration_seconds"); got != "0" {
		t.Errorf("soft delete keeps deleted objects %q seconds; R12 deletes permanently", got)
	}
	if got := str(b, "versioning", 0, "enabled"); got != "false" {
		t.Errorf("versioning %q would keep deleted data", got)
	}
	for _, loc := range []string{"US", "us", "NAM4", "US-CENTRAL1", "us-east4"} {
		if !m.validates(t, "bucket_location", cty.StringVal(loc)) {
			t.Errorf("bucket_location %q rejected", loc)
		}
	}
	for _, loc := range []string{"EU", "ASIA", "europe-west1", "EUR4", "northamerica-northeast1"} {
		if m.validates(t, "bucket_location", cty.StringVal(loc)) {
			t.Errorf("bucket_location %q accepted; data must stay in the US (R13)", loc)
		}
	}
	if m.validates(t, "region", cty.StringVal("europe-west1")) {
		t.Error("a non-US region is accepted")
	}
}

// CMEK is optional: off by default, and when a key is given the bucket uses
// it and the Cloud Storage service agent may use the key.
func TestArchiveCMEKIsOptional(t *testing.T) {
	m := loadModule(t, nil)
	if enc := list(get(m.one(t, "google_storage_bucket", "archive"), "encryption")); len(enc) != 0 {
		t.Errorf("encryption configured without a key: %v", enc)
	}
	if n := len(m.all("google_kms_crypto_key_iam_member")); n != 0 {
		t.Errorf("%d key grants without a key", n)
	}
	key := "projects/acme-kms/locations/us/keyRings/export/cryptoKeys/archive"
	m = loadModule(t, map[string]cty.Value{"kms_key_name": cty.StringVal(key)})
	if got := str(m.one(t, "google_storage_bucket", "archive"), "encryption", 0, "default_kms_key_name"); got != key {
		t.Errorf("bucket key %q, want %q", got, key)
	}
	gs := grants(t, m)
	agent := "serviceAccount:service-" + testProjectNumber + "@gs-project-accounts.iam.gserviceaccount.com"
	if !slices.Contains(holders(gs, "google_kms_crypto_key_iam_member", key, "roles/cloudkms.cryptoKeyEncrypterDecrypter"), agent) {
		t.Error("the Cloud Storage service agent cannot use the CMEK key")
	}
	if m.validates(t, "kms_key_name", cty.StringVal("archive-key")) {
		t.Error("a key that is not a full resource name is accepted")
	}
}

// Firestore is native, in the US, and every query the store makes has its
// composite index (the emulator does not demand them; production does).
func TestFirestoreHasAnIndexForEveryQuery(t *testing.T) {
	m := loadModule(t, nil)
	db := m.one(t, "google_firestore_database", "main")
	if str(db, "type") != "FIRESTORE_NATIVE" || str(db, "location_id") != "nam5" {
		t.Errorf("database %s in %s, want FIRESTORE_NATIVE in nam5", str(db, "type"), str(db, "location_id"))
	}
	if m.validates(t, "firestore_location", cty.StringVal("eur3")) {
		t.Error("a European Firestore location is accepted")
	}
	indexes := m.all("google_firestore_index")
	for _, q := range store.Queries {
		found := false
		for _, ix := range indexes {
			found = found || indexServes(ix.value, q)
		}
		if !found {
			t.Errorf("no google_firestore_index for %q (%s %s %v)", q.Name, q.Scope, q.CollectionGroup, q.Fields)
		}
	}
	ttl := m.all("google_firestore_field")
	if len(ttl) != 1 || str(ttl[0].value, "collection") != "exports" || str(ttl[0].value, "field") != "purgeAt" || get(ttl[0].value, "ttl_config", 0) == cty.NilVal {
		t.Error("want one TTL policy on exports.purgeAt as a backstop that keeps expired records for a year")
	}
}

func indexServes(ix cty.Value, q store.Query) bool {
	if str(ix, "collection") != q.CollectionGroup || str(ix, "query_scope") != q.Scope {
		return false
	}
	fields := list(get(ix, "fields"))
	if len(fields) != len(q.Fields) {
		return false
	}
	for i, f := range q.Fields {
		if str(fields[i], "field_path") != f.Path || str(fields[i], "order") != f.Order {
			return false
		}
	}
	return true
}

// The queues the code names exist with the rate limits and retries it
// assumes.
func TestQueuesMatchWhatTheCodeAssumes(t *testing.T) {
	m := loadModule(t, nil)
	type want struct {
		rate, concurrent, attempts, doublings int64
		minBackoff, maxBackoff                string
	}
	wants := map[string]want{
		config.DefaultControlQueue:  {10, 10, 20, 5, "10s", "600s"},
		config.DefaultAccountsQueue: {5, 50, 50, 5, "30s", "3600s"},
	}
	queues := map[string]cty.Value{}
	for _, q := range m.all("google_cloud_tasks_queue") {
		queues[str(q.value, "name")] = q.value
		if str(q.value, "location") != m.vars["region"].AsString() {
			t.Errorf("queue %s is not in the functions' region", str(q.value, "name"))
		}
	}
	for name, w := range wants {
		q, ok := queues[name]
		if !ok {
			t.Errorf("no queue %q", name)
			continue
		}
		got := want{
			num(q, "rate_limits", 0, "max_dispatches_per_second"), num(q, "rate_limits", 0, "max_concurrent_dispatches"),
			num(q, "retry_config", 0, "max_attempts"), num(q, "retry_config", 0, "max_doublings"),
			str(q, "retry_config", 0, "min_backoff"), str(q, "retry_config", 0, "max_backoff"),
		}
		if got != w {
			t.Errorf("queue %s: %+v, want %+v", name, got, w)
		}
	}
}

// export-events exists, is pushed to AssembleReport, and dead-letters to a
// separate topic that someone reads.
func TestEventsTopicIsPushedToAssembleReport(t *testing.T) {
	m := loadModule(t, nil)
	if sig := registeredFunctions(t)["AssembleReport"]; sig != "HTTP" && sig != "CloudEvent" {
		t.Fatalf("AssembleReport is registered as %q; a push subscription needs HTTP or CloudEvent", sig)
	}
	topics := map[string]string{}
	for _, tp := range m.all("google_pubsub_topic") {
		topics[str(tp.value, "id")] = str(tp.value, "name")
		if got := list(get(tp.value, "message_storage_policy", 0, "allowed_persistence_regions")); len(got) == 0 {
			t.Errorf("topic %s may store messages outside the US", str(tp.value, "name"))
		}
	}
	sub := m.one(t, "google_pubsub_subscription", "assemble_report")
	if topics[str(sub, "topic")] != config.DefaultEventsTopic {
		t.Errorf("the push subscription reads %q, want topic %q", str(sub, "topic"), config.DefaultEventsTopic)
	}
	dlq := str(sub, "dead_letter_policy", 0, "dead_letter_topic")
	if topics[dlq] == "" || topics[dlq] == config.DefaultEventsTopic {
		t.Errorf("dead-letter topic %q is not a separate topic in infra", dlq)
	}
	if n := num(sub, "dead_letter_policy", 0, "max_delivery_attempts"); n < 5 || n > 100 {
		t.Errorf("max_delivery_attempts %d outside Pub/Sub's 5..100", n)
	}
	if str(sub, "retry_policy", 0, "minimum_backoff") == "" || str(sub, "retry_policy", 0, "maximum_backoff") == "" {
		t.Error("push subscription has no retry policy")
	}
	if got := str(sub, "expiration_policy", 0, "ttl"); got != "" || get(sub, "expiration_policy", 0) == cty.NilVal {
		t.Error("push subscription would expire after inactivity")
	}
	read := false
	for _, s := range m.all("google_pubsub_subscription") {
		read = read || str(s.value, "topic") == dlq
	}
	if !read {
		t.Error("nothing subscribes to the dead-letter topic, so dead letters are lost")
	}
}

// Housekeeping runs hourly.
func TestHousekeepingRunsHourly(t *testing.T) {
	m := loadModule(t, nil)
	job := m.one(t, "google_cloud_scheduler_job", "housekeeping")
	if got := str(job, "schedule"); got != "0 * * * *" {
		t.Errorf("schedule %q, want hourly", got)
	}
	if got := str(job, "http_target", 0, "http_method"); got != "POST" {
		t.Errorf("method %q, want POST", got)
	}
}

// Every queue, topic or subscription name the code spells out (a string
// literal "export-…" in shared/, functions/ or the root package) exists in
// infra/, so no deployed code talks to a queue nobody created.
func TestEveryMessagingNameInTheCodeExists(t *testing.T) {
	m := loadModule(t, nil)
	var names []string
	for _, typ := range []string{"google_cloud_tasks_queue", "google_pubsub_topic", "google_pubsub_subscription"} {
		for _, i := range m.all(typ) {
			names = append(names, str(i.value, "name"))
		}
	}
	used := messagingLiterals(t, "../functions.go", "../shared", "../functions")
	if len(used) == 0 {
		t.Fatal("found no queue or topic names in the code; has config.DefaultControlQueue moved?")
	}
	for lit, where := range used {
		if !slices.Contains(names, lit) {
			t.Errorf("%s uses %q, which is no queue, topic or subscription in infra/", where, lit)
		}
	}
}

// messagingLiterals returns the string literals shaped like our messaging
// names ("export-" and lowercase words) in non-test Go files under roots.
func messagingLiterals(t *testing.T, roots ...string) map[string]string {
	t.Helper()
	shape := regexp.MustCompile(`^export-[a-z]+(-[a-z]+)*$`)
	out := map[string]string{}
	for _, root := range roots {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
			if err != nil {
				return nil // another engineer's file mid-edit; the build catches it
			}
			ast.Inspect(f, func(n ast.Node) bool {
				if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					if s, err := strconv.Unquote(lit.Value); err == nil && shape.MatchString(s) {
						out[s] = path
					}
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}
