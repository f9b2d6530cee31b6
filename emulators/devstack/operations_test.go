package devstack_test

import (
	"context"
	"encoding/json"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"cloud.google.com/go/firestore"

	"github.com/orgexport/orgexport/emulators/devstack"
	"github.com/orgexport/orgexport/emulators/iamrecord"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

var update = flag.Bool("update", false, "rewrite infra/testdata/operations.json from this run")

// operationsFile is where the recorded operations are kept for infra/'s
// test, which compares them with the permissions the Terraform grants.
const operationsFile = "../../infra/testdata/operations.json"

// TestOperationsAreWhatInfraExpects runs every path that touches Google
// Cloud — a cancelled export, a whole export, support's reset, and the
// expiry that deletes an archive (R12) — on a stack that records the Cloud
// IAM permissions each function exercises, and compares them with
// infra/testdata/operations.json (-update rewrites it). infra/'s
// TestGrantsAreExactlyTheRecordedOperations then holds the Terraform to
// that file: nothing missing, nothing unused.
func TestOperationsAreWhatInfraExpects(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the whole local stack")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	opts := synth.Tiny(7)
	opts.Now = time.Now().UTC().Truncate(time.Second)
	org, err := synth.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	rec := iamrecord.NewRecorder()
	s, err := devstack.Start(ctx, devstack.Options{Dir: filepath.Join(t.TempDir(), "stack"), Org: org,
		Hold: 3 * time.Second, PartSize: "1MiB", Record: rec})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	admin := "admin@" + org.Customer().Domain

	// Cancelled during the hold: the begin task is already queued.
	first := startExport(ctx, t, s, admin)
	var v map[string]any
	if code := call(ctx, t, s, admin, http.MethodPost, "/exports/"+first+":cancel", &v); code != http.StatusOK {
		t.Fatalf("cancel: %d %v", code, v)
	}
	id := startExport(ctx, t, s, admin)
	if state, _ := waitDone(ctx, t, s, admin, id); !state.Done() {
		t.Fatalf("export ended %s", state)
	}
	support, _ := s.AdminToken(devstack.SupportStaff)
	if a := request(ctx, t, s.URLs["Support"]+"/organisations/"+org.Customer().ID+":resetCooldown", "POST", support, `{"ticket":"T-1"}`); a.code != http.StatusOK {
		t.Fatalf("reset: %d %s", a.code, a.body)
	}
	expireNow(ctx, t, s, org.Customer().ID, id)
	out, err := s.Housekeeping(ctx)
	if err != nil {
		t.Fatalf("housekeeping: %v %s", err, out)
	}
	var rep struct {
		Expired        int `json:"expired"`
		ObjectsDeleted int `json:"objects_deleted"`
	}
	_ = json.Unmarshal([]byte(out), &rep)
	if rep.Expired != 1 {
		t.Fatalf("housekeeping expired %d exports, want 1: %s", rep.Expired, out)
	}

	got := rec.Operations()
	for fn, ops := range got {
		got[fn] = slices.DeleteFunc(ops, func(o iamrecord.Op) bool { return sometimes[fn] == o })
	}
	if *update {
		b, _ := json.MarshalIndent(got, "", "  ")
		if err := os.WriteFile(operationsFile, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := iamrecord.ReadFile(operationsFile)
	if err != nil {
		t.Fatalf("%v (run with -update to record it)", err)
	}
	for _, fn := range []string{"StartExport", "BeginExport", "ExportAccount", "AssembleReport", "Housekeeping", "Support"} {
		if !reflect.DeepEqual(got[fn], want[fn]) {
			t.Errorf("%s exercised\n  %v\nbut %s says\n  %v\n(if the code changed on purpose: -update, then make infra/ grant exactly that)", fn, got[fn], operationsFile, want[fn])
		}
	}
}

// sometimes are operations a run may or may not perform, left out of the
// comparison; infra/ lists them among the paths a run cannot be relied on
// to take.
var sometimes = map[string]iamrecord.Op{
	// The event and Housekeeping's nudge (or a redelivery) may both
	// assemble; the second rewrites the report, replacing its objects.
	"AssembleReport": {Permission: "storage.objects.delete", Resource: devstack.Bucket},
}

// expireNow moves the export's expiry into the past, as 30 days would.
func expireNow(ctx context.Context, t *testing.T, s *devstack.Stack, cid, eid string) {
	t.Helper()
	t.Setenv("FIRESTORE_EMULATOR_HOST", s.FirestoreHost())
	c, err := firestore.NewClient(ctx, devstack.Project)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = c.Collection("customers").Doc(cid).Collection("exports").Doc(eid).Update(ctx,
		[]firestore.Update{{Path: "expires", Value: time.Now().Add(-time.Minute)}})
	if err != nil {
		t.Fatal(err)
	}
}
