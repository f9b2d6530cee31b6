package devstack_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"cloud.google.com/go/storage"
	"google.golang.org/api/iterator"
	"google.golang.org/api/option"

	"github.com/orgexport/orgexport/emulators/devstack"
	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/zipname"
)

// TestRetryFailedItems (R16): an export with items made to fail, the
// faults lifted, and retries of what failed. Each retry fetches exactly
// the failed items again, into retry-N/ beside the original; a message
// deleted meanwhile is listed as deleted, not as failed; the original and
// its retries together hold every item of the source, byte-exact; the
// original's report links the retries and a downloaded copy verifies; a
// fourth retry is refused.
func TestRetryFailedItems(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	s := stack(t)
	org := s.Workspace.Org()
	cid := org.Customer().ID
	admin := "admin@" + org.Customer().Domain
	resetCooldown(ctx, t, s, cid)

	mail, drive := retryVictims(t, s)
	recovered, deleted, stubborn := []string{mail[0], drive[0]}, mail[1], drive[1]
	if err := s.Workspace.SetFaults(workspace.Faults{FailItems: append(append([]string{}, mail...), drive...)}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Workspace.SetFaults(workspace.Faults{}) })
	id := startExport(ctx, t, s, admin)
	if code, reason := retryFailed(ctx, t, s, admin, id); code != http.StatusConflict || reason != export.RetryNotFinished {
		t.Errorf("retry of a running export: %d %s, want 409 %s", code, reason, export.RetryNotFinished)
	}
	if state, _ := waitDone(ctx, t, s, admin, id); state != export.CompletedWithErrors {
		t.Fatalf("export ended %s, want COMPLETED_WITH_ERRORS", state)
	}

	// The faults are lifted but one file's; one failed message is deleted.
	if err := s.Workspace.SetFaults(workspace.Faults{FailItems: []string{stubborn}, DeletedItems: []string{deleted}}); err != nil {
		t.Fatal(err)
	}
	r1 := concurrentRetries(ctx, t, s, admin, id)
	if state, _ := waitDone(ctx, t, s, admin, r1); state != export.CompletedWithErrors {
		t.Fatalf("retry 1 ended %s, want COMPLETED_WITH_ERRORS (one file still fails)", state)
	}
	// Drive slowed down, so retry 2 (one file, two calls) is surely still
	// running when it is asked for again: the answer to the request that
	// made it comes only once every super administrator was emailed.
	if err := s.Workspace.SetFaults(workspace.Faults{FailItems: []string{stubborn}, DeletedItems: []string{deleted},
		APIs: map[string]workspace.APIFaults{"drive": {Latency: workspace.Duration(6 * time.Second)}}}); err != nil {
		t.Fatal(err)
	}
	r2 := mustRetry(ctx, t, s, admin, id)
	if code, reason := retryFailed(ctx, t, s, admin, id); code != http.StatusConflict || reason != export.RetryRunning {
		t.Errorf("a retry while retry 2 runs: %d %s, want 409 %s", code, reason, export.RetryRunning)
	}
	if state, _ := waitDone(ctx, t, s, admin, r2); state != export.CompletedWithErrors {
		t.Fatalf("retry 2 ended %s, want COMPLETED_WITH_ERRORS", state)
	}
	if err := s.Workspace.SetFaults(workspace.Faults{DeletedItems: []string{deleted}}); err != nil {
		t.Fatal(err)
	}
	r3 := mustRetry(ctx, t, s, admin, id)
	if state, _ := waitDone(ctx, t, s, admin, r3); state != export.Completed {
		t.Fatalf("retry 3 ended %s, want COMPLETED: every item recovered or deleted", state)
	}
	if code, reason := retryFailed(ctx, t, s, admin, id); code != http.StatusConflict || reason != export.RetryLimit {
		t.Errorf("a fourth retry: %d %s, want 409 %s", code, reason, export.RetryLimit)
	}

	root := filepath.Join(t.TempDir(), "archive")
	waitRetriesRecorded(ctx, t, s, admin, id, 3)
	mirror(ctx, t, s, cid+"/"+id+"/", root)
	checkRetryFolders(t, root, recovered, deleted, stubborn)
	checkCombined(t, s, root, deleted)
	checkRetriesInReport(t, root)
	verifyCopy(ctx, t, root)
	checkRetryEmails(t, s, admin, r1)
	checkRetryExpiry(ctx, t, s, admin, cid, id, []string{r1, r2, r3})
	checkRetryAudit(ctx, t, s, admin, id)
}

// checkRetryExpiry (R12): every retry expires with the original, and every
// object of the original and its retries counts its retention from the
// original's completion.
func checkRetryExpiry(ctx context.Context, t *testing.T, s *devstack.Stack, admin, cid, id string, retries []string) {
	var orig struct {
		CompletedAt time.Time `json:"completed_at"`
		ExpiresAt   time.Time `json:"expires_at"`
	}
	call(ctx, t, s, admin, http.MethodGet, "/exports/"+id, &orig)
	for _, rid := range retries {
		var r struct {
			ExpiresAt time.Time `json:"expires_at"`
			RetryOf   string    `json:"retry_of"`
		}
		call(ctx, t, s, admin, http.MethodGet, "/exports/"+rid, &r)
		if !r.ExpiresAt.Equal(orig.ExpiresAt) || r.RetryOf != id {
			t.Errorf("retry %s expires %v (retry of %q), want with the original %v", rid, r.ExpiresAt, r.RetryOf, orig.ExpiresAt)
		}
	}
	c, err := storage.NewClient(ctx, option.WithEndpoint("http://"+s.StorageHost()+"/storage/v1/"), option.WithoutAuthentication())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	it := c.Bucket(devstack.Bucket).Objects(ctx, &storage.Query{Prefix: cid + "/" + id + "/"})
	for {
		a, err := it.Next()
		if errors.Is(err, iterator.Done) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		// Custom-Time is kept to the second.
		if !a.CustomTime.Equal(orig.CompletedAt.Truncate(time.Second)) {
			t.Errorf("%s: Custom-Time %v, want the original's completion %v", a.Name, a.CustomTime, orig.CompletedAt)
		}
	}
}

// checkRetryAudit (R15): requests and refusals of retries are audited.
func checkRetryAudit(ctx context.Context, t *testing.T, s *devstack.Stack, admin, id string) {
	var log struct {
		Entries []export.AuditEntry `json:"entries"`
	}
	call(ctx, t, s, admin, http.MethodGet, "/audit", &log)
	made, refused := 0, map[string]bool{}
	for _, e := range log.Entries {
		if e.ExportID != id { // the shared organisation's other exports
			continue
		}
		switch e.Action {
		case export.ActionRemediate:
			made++
		case export.ActionRetryRefused:
			reason, _ := e.Detail["reason"].(string)
			refused[reason] = true
		}
	}
	if made != 3 || !refused[export.RetryNotFinished] || !refused[export.RetryLimit] || !refused[export.RetryRunning] {
		t.Errorf("audit: %d retries recorded, refusals %v; want 3 and NOT_FINISHED, RETRY_RUNNING, LIMIT_REACHED", made, refused)
	}
}

// retryVictims picks two messages and two binary Drive files of the first
// user with both.
func retryVictims(t *testing.T, s *devstack.Stack) (mail, drive []string) {
	for _, a := range s.Workspace.Accounts() {
		if a.Type != export.User {
			continue
		}
		mail, drive = nil, nil
		for it := range s.Workspace.Truth(a.ID) {
			switch {
			case it.Product == export.Gmail && len(mail) < 2:
				mail = append(mail, it.ItemID)
			case it.Product == export.Drive && it.SHA256 != "" && len(drive) < 2:
				drive = append(drive, it.ItemID)
			}
		}
		if len(mail) == 2 && len(drive) == 2 {
			return mail, drive
		}
	}
	t.Fatal("no user with two messages and two files")
	return nil, nil
}

// retryFailed asks for a retry and returns the status and, for a
// refusal, its reason.
func retryFailed(ctx context.Context, t *testing.T, s *devstack.Stack, admin, id string) (int, string) {
	t.Helper()
	var v struct {
		ID    string `json:"id"`
		Error struct {
			Details []map[string]any `json:"details"`
		} `json:"error"`
	}
	code := call(ctx, t, s, admin, http.MethodPost, "/exports/"+id+":retryFailed", &v)
	if code == http.StatusAccepted || code == http.StatusOK {
		return code, v.ID
	}
	for _, d := range v.Error.Details {
		if reason, ok := d["reason"].(string); ok {
			return code, reason
		}
	}
	return code, ""
}

func mustRetry(ctx context.Context, t *testing.T, s *devstack.Stack, admin, id string) string {
	t.Helper()
	code, rid := retryFailed(ctx, t, s, admin, id)
	if code != http.StatusAccepted {
		t.Fatalf("retry of %s: %d %s", id, code, rid)
	}
	return rid
}

// concurrentRetries asks twice at once: one retry is made; the other
// request gets that retry (200: it asked for the retry after those it
// could see, and found it made), or, had it arrived once the retry was
// recorded, is refused because it is running. Never a second retry, even
// when the second transaction waits, as the Firestore emulator makes it,
// until the first retry has finished.
func concurrentRetries(ctx context.Context, t *testing.T, s *devstack.Stack, admin, id string) string {
	var wg sync.WaitGroup
	codes, out := make([]int, 2), make([]string, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t0 := time.Now()
			codes[i], out[i] = retryFailed(ctx, t, s, admin, id)
			t.Logf("concurrent request %d: %d %s after %v", i, codes[i], out[i], time.Since(t0).Round(time.Millisecond))
		}()
	}
	wg.Wait()
	rid, made := id+"-retry-1", 0
	for i := range 2 {
		switch {
		case codes[i] == http.StatusAccepted && out[i] == rid:
			made++
		case codes[i] == http.StatusOK && out[i] == rid:
		case codes[i] == http.StatusConflict && out[i] == export.RetryRunning:
		default:
			t.Errorf("concurrent retry: %d %s", codes[i], out[i])
		}
	}
	if made != 1 {
		t.Fatalf("two concurrent requests made %d retries, want one: %v %v", made, codes, out)
	}
	return rid
}

// waitRetriesRecorded waits until the original lists n completed retries
// (its report is rewritten before its record notes the retry).
func waitRetriesRecorded(ctx context.Context, t *testing.T, s *devstack.Stack, admin, id string, n int) {
	for {
		var v struct {
			Retries []export.RetryRef `json:"retries"`
		}
		call(ctx, t, s, admin, http.MethodGet, "/exports/"+id, &v)
		done := 0
		for _, r := range v.Retries {
			if r.State.Done() {
				done++
			}
		}
		if done == n {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the original lists %+v, want %d completed retries", v.Retries, n)
		case <-time.After(300 * time.Millisecond):
		}
	}
}

// checkRetryFolders looks at each retry's archive: its own report and
// manifest, only the items it was to retry, the deleted message listed as
// deleted.
func checkRetryFolders(t *testing.T, root string, recovered []string, deleted, stubborn string) {
	want := map[int][]string{1: recovered, 2: nil, 3: {stubborn}}
	for n := 1; n <= 3; n++ {
		folder := filepath.Join(root, "retry-"+string(rune('0'+n)))
		for _, f := range []string{"report.html", "report.json", "manifest.json"} {
			if _, err := os.Stat(filepath.Join(folder, f)); err != nil {
				t.Errorf("retry %d has no %s", n, f)
			}
		}
		got := map[string]bool{}
		failed := map[string]connector.Failure{}
		accounts, _ := filepath.Glob(filepath.Join(folder, "users", "*"))
		for _, acct := range accounts {
			a := readAccount(t, acct)
			for id := range a.entries {
				got[id] = true
			}
			for id := range a.items {
				got[id] = true
			}
			files, _ := filepath.Glob(filepath.Join(acct, "*.failures.ndjson"))
			for _, f := range files {
				readNDJSON(t, f, func(fl connector.Failure) { failed[fl.ItemID] = fl })
			}
		}
		if len(got) != len(want[n]) {
			t.Errorf("retry %d exported %d items %v, want %v", n, len(got), got, want[n])
		}
		for _, id := range want[n] {
			if !got[id] {
				t.Errorf("retry %d did not export %s", n, id)
			}
		}
		if n == 1 {
			if f, ok := failed[deleted]; !ok || !f.Deleted {
				t.Errorf("retry 1 lists the deleted message as %+v, want deleted since the export", f)
			}
			if f, ok := failed[stubborn]; !ok || f.Deleted || f.Reason == "" {
				t.Errorf("retry 1 lists the file that still fails as %+v", f)
			}
		}
	}
}

// checkCombined: the original and its retries together hold every item of
// the source, each with the source's bytes, except the message deleted
// since the export, which a retry lists as deleted.
func checkCombined(t *testing.T, s *devstack.Stack, root, deleted string) {
	folders := []string{root}
	for n := 1; n <= 3; n++ {
		folders = append(folders, filepath.Join(root, "retry-"+string(rune('0'+n))))
	}
	for _, acct := range s.Workspace.Accounts() {
		rel := filepath.Join(acct.Type.Folder(), zipname.Sanitize(acct.ID))
		entries, items := map[string]string{}, map[string]bool{}
		found := false
		for _, f := range folders {
			if _, err := os.Stat(filepath.Join(f, rel)); err != nil {
				continue
			}
			found = true
			a := readAccount(t, filepath.Join(f, rel))
			for id, sum := range a.entries {
				entries[id] = sum
			}
			for id := range a.items {
				items[id] = true
			}
		}
		if !found {
			continue // nothing to export for it (the e2e test checks that)
		}
		for it := range s.Workspace.Truth(acct.ID) {
			sum, asEntry := entries[it.ItemID]
			switch {
			case it.ItemID == deleted:
				if asEntry || items[it.ItemID] {
					t.Errorf("%s: the deleted message %s is in the archive", acct.ID, it.ItemID)
				}
			case asEntry && it.SHA256 != "" && sum != it.SHA256:
				t.Errorf("%s: %s has checksum %s, want %s", acct.ID, it.ItemID, sum, it.SHA256)
			case !asEntry && !items[it.ItemID]:
				t.Errorf("%s: %s (%s %s) is in neither the export nor its retries", acct.ID, it.ItemID, it.Product, it.Name)
			}
		}
	}
}

// checkRetriesInReport: the original's report.json and report.html link
// each retry with what it recovered.
func checkRetriesInReport(t *testing.T, root string) {
	b, err := os.ReadFile(filepath.Join(root, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Retries []struct {
			N         int    `json:"n"`
			Report    string `json:"report"`
			Recovered int64  `json:"recovered"`
			Failed    int64  `json:"failed"`
			Deleted   int64  `json:"deleted"`
		} `json:"retries"`
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	want := []struct{ recovered, failed, deleted int64 }{{2, 1, 1}, {0, 1, 0}, {1, 0, 0}}
	if len(rep.Retries) != 3 {
		t.Fatalf("the original's report lists %d retries, want 3", len(rep.Retries))
	}
	for i, r := range rep.Retries {
		if r.N != i+1 || r.Report != "retry-"+string(rune('1'+i))+"/report.html" ||
			r.Recovered != want[i].recovered || r.Failed != want[i].failed || r.Deleted != want[i].deleted {
			t.Errorf("retry %d in the report: %+v, want %+v", i+1, r, want[i])
		}
	}
	html, _ := os.ReadFile(filepath.Join(root, "report.html"))
	if !strings.Contains(string(html), `href="./retry-1/report.html"`) {
		t.Error("the original's report.html does not link retry-1/report.html")
	}
}

// verifyCopy runs the admins' command on the downloaded copy: every file
// of the original and of each retry-N/ checks against its manifest.
func verifyCopy(ctx context.Context, t *testing.T, root string) {
	bin := filepath.Join(t.TempDir(), "orgexport")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/orgexport/orgexport/cmd/orgexport").CombinedOutput(); err != nil {
		t.Fatalf("build orgexport: %v\n%s", err, out)
	}
	if out, err := exec.CommandContext(ctx, bin, "verify", root).CombinedOutput(); err != nil {
		t.Errorf("orgexport verify of the original with its retries: %v\n%s", err, out)
	}
}

// checkRetryEmails: every super administrator was told of the retry, and
// its requester of its completion (R11).
func checkRetryEmails(t *testing.T, s *devstack.Stack, admin, rid string) {
	msgs, err := s.Mail.Messages()
	if err != nil {
		t.Fatal(err)
	}
	told, done := false, false
	for _, m := range msgs {
		for _, to := range m.To {
			if !strings.EqualFold(to, admin) || !strings.HasPrefix(m.Subject, "Retry 1 of the data export") {
				continue
			}
			told = told || strings.Contains(m.Subject, "requested by")
			done = done || strings.Contains(m.Subject, "completed")
		}
	}
	if !told || !done {
		t.Errorf("retry %s: notice sent %v, completion sent %v", rid, told, done)
	}
}
