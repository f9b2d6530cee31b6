package devstack_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/devstack"
	"github.com/orgexport/orgexport/emulators/verify"
	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
)

// TestExportEndToEnd runs a whole export of a small organisation through the
// real functions on the local stack, with injected faults and items that
// always fail, and checks the archive against the emulator's ground truth:
// every item is exported with the right checksum or listed as failed with a
// reason, and nothing else is there.
func TestExportEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the whole local stack")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	s := stack(t)
	org := s.Workspace.Org()
	dir := t.TempDir()

	failing := failingItems(t, s)
	// The last user's organisational unit has Gmail turned off: the truth
	// has none of their mail, and the report says Gmail is not available.
	noGmail := org.Users()[len(org.Users())-1].Email
	if err := s.Workspace.SetFaults(workspace.Faults{FailItems: failing, APIs: map[string]workspace.APIFaults{
		"gmail": {RateLimit: 0.05}, "drive": {ServerError: 0.05}, "directory": {UserRateLimit: 0.05},
	}, ProductsOff: map[string][]string{noGmail: {"gmail"}}}); err != nil {
		t.Fatal(err)
	}

	admin := "admin@" + org.Customer().Domain
	id := startExport(ctx, t, s, admin)
	state, cutOff := waitDone(ctx, t, s, admin, id)
	if state != export.CompletedWithErrors {
		t.Fatalf("export ended %s, want COMPLETED_WITH_ERRORS (items were made to fail)", state)
	}
	root := filepath.Join(dir, "archive")
	mirror(ctx, t, s, org.Customer().ID+"/"+id+"/", root)

	zips := checkZips(t, root)
	if zips == 0 {
		t.Fatal("no zip in the archive")
	}
	checkTruth(t, s, root, cutOff, failing)
	checkUnreadable(t, s, root)
	checkNotAvailable(t, root, "Mail service not enabled")
	checkSuspended(t, s, root, cutOff, true)
	for _, f := range []string{"report.html", "report.json", "manifest.json"} {
		if _, err := os.Stat(filepath.Join(root, f)); err != nil {
			t.Errorf("the archive has no %s: %v", f, err)
		}
	}
	checkEmails(t, s, admin, id)
}

// failingItems picks one Drive file and one message of the first user that
// the emulator will always refuse to serve.
func failingItems(t *testing.T, s *devstack.Stack) []string {
	var out []string
	seen := map[export.Product]bool{}
	for _, a := range s.Workspace.Accounts() {
		if a.Type != export.User {
			continue
		}
		for it := range s.Workspace.Truth(a.ID) {
			if (it.Product == export.Drive || it.Product == export.Gmail) && !seen[it.Product] && it.SHA256 != "" {
				seen[it.Product] = true
				out = append(out, it.ItemID)
			}
		}
		if len(out) == 2 {
			return out
		}
	}
	t.Fatal("no items to make fail")
	return nil
}

func call(ctx context.Context, t *testing.T, s *devstack.Stack, admin, method, path string, into any) int {
	t.Helper()
	tok, err := s.AdminToken(admin)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(ctx, method, s.URLs["StartExport"]+path, strings.NewReader("{}"))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(body, into); err != nil {
		t.Fatalf("%s %s: %s: %s", method, path, resp.Status, body)
	}
	return resp.StatusCode
}

func startExport(ctx context.Context, t *testing.T, s *devstack.Stack, admin string) string {
	var v struct {
		ID    string       `json:"id"`
		State export.State `json:"state"`
	}
	if code := call(ctx, t, s, admin, http.MethodPost, "/exports", &v); code != http.StatusAccepted {
		t.Fatalf("start: %d %+v", code, v)
	}
	return v.ID
}

func waitDone(ctx context.Context, t *testing.T, s *devstack.Stack, admin, id string) (export.State, time.Time) {
	for {
		var v struct {
			State  export.State `json:"state"`
			CutOff time.Time    `json:"cut_off"`
		}
		call(ctx, t, s, admin, http.MethodGet, "/exports/"+id, &v)
		if v.State.Done() || v.State == export.Cancelled {
			return v.State, v.CutOff
		}
		select {
		case <-ctx.Done():
			t.Fatalf("export %s still %s: %v (logs in %s)", id, v.State, ctx.Err(), filepath.Join(s.Dir(), "logs"))
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// mirror downloads an export's objects as an admin would; every object
// must carry Custom-Time, or the lifecycle rule keeps it for ever (R12).
func mirror(ctx context.Context, t *testing.T, s *devstack.Stack, prefix, dir string) {
	if _, err := verify.Mirror(ctx, s.StorageHost(), devstack.Bucket, prefix, dir); err != nil {
		t.Fatal(err)
	}
}

// checkZips runs unzip -t and Python's zipfile on every part.
func checkZips(t *testing.T, root string) int {
	n := 0
	_ = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(path, ".zip") {
			return err
		}
		n++
		if out, err := exec.Command("unzip", "-tq", path).CombinedOutput(); err != nil {
			t.Errorf("unzip -t %s: %v\n%s", path, err, out)
		}
		py := `import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
bad = z.testzip()
assert bad is None, bad
for n in z.namelist():
    assert not n.startswith("/") and ".." not in n.split("/"), n`
		if out, err := exec.Command("python3", "-c", py, path).CombinedOutput(); err != nil {
			t.Errorf("python zipfile %s: %v\n%s", path, err, out)
		}
		return nil
	})
	return n
}

// account is what the archive holds of one account.
type accountArchive struct {
	entries  map[string]string // item id → SHA-256 of its entry
	items    map[string]bool   // item ids held in shared entries (mbox, .ics, .vcf)
	failures map[string]string // item id → reason
}

func readAccount(t *testing.T, folder string) accountArchive {
	a, err := verify.ReadAccount(folder)
	if err != nil {
		t.Fatal(err)
	}
	return accountArchive{entries: a.Entries, items: a.Items, failures: a.Failures}
}

func readNDJSON[T any](t *testing.T, path string, fn func(T)) {
	if err := verify.ReadNDJSON(path, fn); err != nil {
		t.Fatal(err)
	}
}

// checkTruth compares every account's archive with the ground truth.
func checkTruth(t *testing.T, s *devstack.Stack, root string, cutOff time.Time, failing []string) {
	_, diffs, err := verify.Archive(s.Workspace, root, cutOff, failing)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range diffs {
		t.Error(d)
	}
}

// checkUnreadable: the shared drive with no member left and the Chat
// spaces whose members all left have no items in the truth, because
// nobody can read them; the report must say so, with the reason, rather
// than let them vanish.
func checkUnreadable(t *testing.T, s *devstack.Stack, root string) {
	b, err := os.ReadFile(filepath.Join(root, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Unsupported []struct {
			Product export.Product `json:"product"`
			Reason  string         `json:"reason"`
		} `json:"unsupported"`
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("report.json: %v", err)
	}
	for _, d := range s.Workspace.Org().SharedDrives() {
		if !d.Orphaned() {
			continue
		}
		found := false
		for _, u := range rep.Unsupported {
			found = found || (u.Product == export.Drive && strings.Contains(u.Reason, d.ID) && strings.Contains(u.Reason, "no member left"))
		}
		if !found {
			t.Errorf("the report does not say why shared drive %s (no member left) was not exported: %+v", d.ID, rep.Unsupported)
		}
	}
}

// checkEmails looks for the completion email to the requester.
func checkEmails(t *testing.T, s *devstack.Stack, admin, id string) {
	msgs, err := s.Mail.Messages()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		for _, to := range m.To {
			if strings.EqualFold(to, admin) && strings.Contains(m.Subject, "complete") {
				return
			}
		}
	}
	t.Errorf("no completion email to %s among %d messages", admin, len(msgs))
}

// checkNotAvailable wants report.json to list, once, a product not
// available with the given reason (R7b).
func checkNotAvailable(t *testing.T, root, reason string) {
	b, err := os.ReadFile(filepath.Join(root, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Unsupported []struct{ Product, Reason string } `json:"unsupported"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, u := range r.Unsupported {
		if strings.Contains(u.Reason, reason) {
			n++
		}
	}
	if n != 1 {
		t.Errorf("report.json lists %q %d times among %+v, want once", reason, n, r.Unsupported)
	}
}

// checkSuspended: every suspended user exported is in report.json as
// suspended, with nothing but a "not available for a suspended account"
// note per product (its truth is empty: Google refuses to read it, so the
// comparison with the truth wants nothing of it in its folder), and each
// product is listed once as not available for suspended accounts. With
// Vault the Gmail entry points at Vault, whose account holds their mail
// (checked against the truth by checkTruth).
func checkSuspended(t *testing.T, s *devstack.Stack, root string, cutOff time.Time, withVault bool) {
	b, err := os.ReadFile(filepath.Join(root, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Unsupported []struct {
			Product  export.Product `json:"product"`
			DataType string         `json:"data_type"`
			Reason   string         `json:"reason"`
		} `json:"unsupported"`
		Accounts []struct {
			ID        string   `json:"id"`
			Suspended bool     `json:"suspended"`
			Failed    int64    `json:"failed"`
			Errors    []string `json:"errors"`
		} `json:"accounts_with_errors"`
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, a := range s.Workspace.Accounts() {
		if a.Type == export.User && a.Suspended && !export.Excluded(a.Created, cutOff) {
			want[a.ID] = true
		}
	}
	if len(want) == 0 {
		t.Fatal("the organisation has no suspended user to export")
	}
	for _, a := range rep.Accounts {
		if !want[a.ID] {
			if a.Suspended {
				t.Errorf("report.json shows %s suspended; it is not", a.ID)
			}
			continue
		}
		delete(want, a.ID)
		if !a.Suspended || a.Failed != 0 || len(a.Errors) == 0 {
			t.Errorf("suspended %s in report.json: suspended %v, %d failed, errors %q", a.ID, a.Suspended, a.Failed, a.Errors)
		}
		for _, e := range a.Errors {
			if !strings.Contains(e, connector.SuspendedNote) {
				t.Errorf("suspended %s: %q is not a not-available note", a.ID, e)
			}
		}
	}
	for id := range want {
		t.Errorf("suspended %s is not in report.json's accounts with errors, marked suspended", id)
	}
	n := map[export.Product]int{}
	for _, u := range rep.Unsupported {
		if !strings.Contains(u.Reason, connector.SuspendedNote) {
			continue
		}
		n[u.Product]++
		if u.Product == export.Gmail && withVault && !strings.Contains(u.Reason, "Vault") {
			t.Errorf("Gmail for suspended accounts: %q does not say where the mail is", u.Reason)
		}
		if u.Product == export.Drive && withVault && !strings.Contains(u.Reason, "Vault/Drive/") {
			t.Errorf("Drive for suspended accounts: %q does not say where the files are", u.Reason)
		}
	}
	if withVault {
		// Their Drive files are in the Vault account's truth, which
		// checkTruth compares byte for byte with the archive.
		files := 0
		for it := range s.Workspace.Truth(synth.VaultAccountID) {
			if strings.HasPrefix(it.Note, "Drive file of suspended account ") {
				files++
			}
		}
		if files == 0 {
			t.Error("the Vault account's truth has no Drive file of a suspended account")
		}
	}
	for _, p := range []export.Product{export.Gmail, export.Drive, export.Calendar, export.Contacts} {
		if n[p] != 1 {
			t.Errorf("report.json lists %s as not available for suspended accounts %d times, want once: %+v", p, n[p], rep.Unsupported)
		}
	}
}
