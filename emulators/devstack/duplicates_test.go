package devstack_test

import (
	"archive/zip"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/devstack"
	"github.com/orgexport/orgexport/emulators/duplicate"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/archive"
	"github.com/orgexport/orgexport/shared/export"
)

// TestDuplicateDeliveryChangesNothing (issue 14, test a) exports a tiny
// organisation twice through the real functions: once with single delivery,
// and once with every Cloud Tasks dispatch and Pub/Sub push delivered twice,
// concurrently and right after the original in turn. What the admin gets
// must be the same: the same parts in every account folder, each entry and
// each item once in one part, the archive equal to the Workspace emulator's
// ground truth, the same totals in report.json and the status API, one
// export.complete audit entry and one completion email.
func TestDuplicateDeliveryChangesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the whole local stack")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	opts := synth.Tiny(14)
	opts.Now = time.Now().UTC().Truncate(time.Second)
	org := mustOrg(t, opts)
	dir := t.TempDir()
	s, err := devstack.Start(ctx, devstack.Options{Dir: filepath.Join(dir, "stack"), Org: org, Hold: 2 * time.Second, PartSize: "1MiB"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	admin := "admin@" + org.Customer().Domain

	single := exportOnce(ctx, t, s, admin, filepath.Join(dir, "single"))
	resetCooldown(ctx, t, s, org.Customer().ID)
	s.SetDuplicate(duplicate.Alternating)
	doubled := exportOnce(ctx, t, s, admin, filepath.Join(dir, "duplicated"))
	s.SetDuplicate(duplicate.Off)

	t.Logf("ground truth: %d items in the exported accounts", truthItems(s, single.cutOff))
	t.Logf("single delivery:     %s", single.summary())
	t.Logf("duplicated delivery: %s", doubled.summary())
	single.checkEachOnce(t)
	checkTruth(t, s, single.root, single.cutOff, nil)

	doubled.checkEachOnce(t)
	checkTruth(t, s, doubled.root, doubled.cutOff, nil)
	if doubled.state != single.state {
		t.Errorf("duplicated run ended %s, single run %s", doubled.state, single.state)
	}
	accounts := maps.Clone(single.parts)
	maps.Copy(accounts, doubled.parts)
	for _, acct := range slices.Sorted(maps.Keys(accounts)) {
		if a, b := single.parts[acct], doubled.parts[acct]; !slices.Equal(a, b) {
			t.Errorf("%s: parts %v with duplicates, %v with single delivery", acct, b, a)
		}
		sameKeys(t, acct+": entry paths", single.entries[acct], doubled.entries[acct])
		sameKeys(t, acct+": item ids", single.items[acct], doubled.items[acct])
	}
	if !reflect.DeepEqual(doubled.reportTotals, single.reportTotals) {
		t.Errorf("report.json totals with duplicates:\n%v\nwith single delivery:\n%v", doubled.reportTotals, single.reportTotals)
	}
	// The bytes of two exports differ by a few: zip entries carry the
	// time they were written, and some files the time they were made. Each
	// item once in one part keeps them within a hair of each other.
	da, sa := doubled.apiTotals, single.apiTotals
	if diff := da.Bytes - sa.Bytes; diff < -sa.Bytes/1000 || diff > sa.Bytes/1000 {
		t.Errorf("status API bytes %d with duplicates, %d with single delivery", da.Bytes, sa.Bytes)
	}
	da.Bytes, sa.Bytes = 0, 0
	if da != sa {
		t.Errorf("status API totals with duplicates %+v, with single delivery %+v", doubled.apiTotals, single.apiTotals)
	}
	for _, r := range []*exportRun{single, doubled} {
		if r.completeAudits != 1 {
			t.Errorf("export %s has %d export.complete audit entries, want 1", r.id, r.completeAudits)
		}
		if r.completionMails != 1 {
			t.Errorf("export %s sent %d completion emails, want 1", r.id, r.completionMails)
		}
	}
}

// exportRun is what one export left for the admin to see.
type exportRun struct {
	id     string
	state  export.State
	cutOff time.Time
	root   string // the mirrored archive
	// By account folder ("users/alice@example.com"): the zip parts' names,
	// how often each entry path occurs over the parts, and how often each
	// item id occurs in the index files.
	parts   map[string][]string
	entries map[string]map[string]int
	items   map[string]map[string]int
	// itemParts counts, by account folder and item id, the parts whose
	// index names the item.
	itemParts       map[string]map[string]int
	reportTotals    map[string]any
	apiTotals       export.Totals
	completeAudits  int
	completionMails int
}

// exportOnce starts an export, waits until it is done and nothing is being
// delivered any more (late duplicates included), mirrors the archive into
// root and reads what the admin would look at.
func exportOnce(ctx context.Context, t *testing.T, s *devstack.Stack, admin, root string) *exportRun {
	t.Helper()
	r := &exportRun{id: startExport(ctx, t, s, admin), root: root}
	r.state, r.cutOff = waitDone(ctx, t, s, admin, r.id)
	waitQuiet(ctx, t, s)
	var view struct {
		Totals *export.Totals `json:"totals"`
	}
	call(ctx, t, s, admin, http.MethodGet, "/exports/"+r.id, &view)
	if view.Totals != nil {
		r.apiTotals = *view.Totals
	}
	mirror(ctx, t, s, s.Workspace.Org().Customer().ID+"/"+r.id+"/", root)
	r.readArchive(t)
	r.completeAudits = auditCount(ctx, t, s, admin, r.id, export.ActionComplete)
	r.completionMails = completionMails(t, s, admin, r.id)
	return r
}

// waitQuiet waits until no Cloud Task dispatch and no Pub/Sub push has been
// in flight for two seconds: a late duplicate must not change the archive
// after it was looked at.
func waitQuiet(ctx context.Context, t *testing.T, s *devstack.Stack) {
	t.Helper()
	quietSince := time.Now()
	for time.Since(quietSince) < 2*time.Second {
		if s.InFlight() > 0 {
			quietSince = time.Now()
		}
		select {
		case <-ctx.Done():
			t.Fatalf("deliveries still in flight: %v", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (r *exportRun) readArchive(t *testing.T) {
	r.parts, r.entries, r.items, r.itemParts = map[string][]string{}, map[string]map[string]int{}, map[string]map[string]int{}, map[string]map[string]int{}
	zips, _ := filepath.Glob(filepath.Join(r.root, "*", "*", "*.zip"))
	for _, z := range zips {
		rel, _ := filepath.Rel(r.root, filepath.Dir(z))
		acct := filepath.ToSlash(rel)
		if r.entries[acct] == nil {
			r.entries[acct], r.items[acct], r.itemParts[acct] = map[string]int{}, map[string]int{}, map[string]int{}
		}
		r.parts[acct] = append(r.parts[acct], filepath.Base(z))
		zr, err := zip.OpenReader(z)
		if err != nil {
			t.Fatalf("open %s: %v", z, err)
		}
		for _, f := range zr.File {
			r.entries[acct][f.Name]++
		}
		zr.Close()
		inPart := map[string]bool{}
		index := strings.TrimSuffix(z, ".zip") + ".index.ndjson"
		if _, err := os.Stat(index); err != nil {
			t.Errorf("%s has no index: %v", z, err)
			continue
		}
		readNDJSON(t, index, func(rec archive.IndexRecord) {
			if rec.ItemID != "" {
				r.items[acct][rec.ItemID]++
				inPart[rec.ItemID] = true
			}
		})
		for id := range inPart {
			r.itemParts[acct][id]++
		}
	}
	for _, p := range r.parts {
		slices.Sort(p)
	}
	var rep struct {
		Totals map[string]any `json:"totals"`
	}
	b, err := os.ReadFile(filepath.Join(r.root, "report.json"))
	if err != nil {
		t.Errorf("export %s: %v", r.id, err)
		return
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Errorf("export %s: report.json: %v", r.id, err)
	}
	r.reportTotals = rep.Totals
}

// checkEachOnce: over all parts of an account, every entry path occurs once
// and every item id is in one index record of one part.
func (r *exportRun) checkEachOnce(t *testing.T) {
	t.Helper()
	for _, acct := range slices.Sorted(maps.Keys(r.parts)) {
		var twice []string
		for name, n := range r.entries[acct] {
			if n > 1 {
				twice = append(twice, fmt.Sprintf("%s ×%d", name, n))
			}
		}
		for id, n := range r.items[acct] {
			if n > 1 || r.itemParts[acct][id] > 1 {
				twice = append(twice, fmt.Sprintf("item %s ×%d in %d parts", id, n, r.itemParts[acct][id]))
			}
		}
		if len(twice) > 0 {
			slices.Sort(twice)
			t.Errorf("export %s, %s: %d entries or items more than once, e.g. %s", r.id, acct, len(twice), strings.Join(twice[:min(5, len(twice))], "; "))
		}
	}
}

// sameKeys fails unless the duplicated run has the same keys as the single
// one.
func sameKeys(t *testing.T, what string, single, doubled map[string]int) {
	t.Helper()
	var missing, extra []string
	for k := range single {
		if _, ok := doubled[k]; !ok {
			missing = append(missing, k)
		}
	}
	for k := range doubled {
		if _, ok := single[k]; !ok {
			extra = append(extra, k)
		}
	}
	if len(missing)+len(extra) > 0 {
		slices.Sort(missing)
		slices.Sort(extra)
		t.Errorf("%s: with duplicates %d missing (%.200s) and %d more (%.200s) than with single delivery",
			what, len(missing), strings.Join(missing, ", "), len(extra), strings.Join(extra, ", "))
	}
}

// summary is a line of the figures issue 14 asks for.
func (r *exportRun) summary() string {
	var parts, items, records, entries int
	var perAccount []string
	for _, acct := range slices.Sorted(maps.Keys(r.parts)) {
		parts += len(r.parts[acct])
		items += len(r.items[acct])
		for _, n := range r.items[acct] {
			records += n
		}
		for _, n := range r.entries[acct] {
			entries += n
		}
		perAccount = append(perAccount, fmt.Sprintf("%s=%d", acct, len(r.parts[acct])))
	}
	return fmt.Sprintf("%s %s: %d parts, %d entries, %d distinct items in %d index records; report.json exported=%v failed=%v; status API %+v; %d export.complete, %d completion emails; parts per account: %s",
		r.id, r.state, parts, entries, items, records, r.reportTotals["exported"], r.reportTotals["failed"], r.apiTotals,
		r.completeAudits, r.completionMails, strings.Join(perAccount, " "))
}

// truthItems counts the ground truth's items of the accounts an export
// with this cut-off covers.
func truthItems(s *devstack.Stack, cutOff time.Time) int {
	n := 0
	for _, acct := range s.Workspace.Accounts() {
		if acct.Type == export.User && export.Excluded(acct.Created, cutOff) {
			continue
		}
		for range s.Workspace.Truth(acct.ID) {
			n++
		}
	}
	return n
}

// resetCooldown lets the organisation start another export at once, as
// support does (R14).
func resetCooldown(ctx context.Context, t *testing.T, s *devstack.Stack, customerID string) {
	t.Helper()
	tok, err := s.AdminToken(devstack.SupportStaff)
	if err != nil {
		t.Fatal(err)
	}
	a := request(ctx, t, s.URLs["Support"]+"/organisations/"+customerID+":resetCooldown", http.MethodPost, tok, `{"ticket":"ISSUE-14"}`)
	if a.code != http.StatusOK {
		t.Fatalf("reset cool-down: %d %s", a.code, a.body)
	}
}

// auditCount counts the organisation's audit entries of an action for an
// export.
func auditCount(ctx context.Context, t *testing.T, s *devstack.Stack, admin, exportID, action string) int {
	var log struct {
		Entries []export.AuditEntry `json:"entries"`
	}
	call(ctx, t, s, admin, http.MethodGet, "/audit", &log)
	n := 0
	for _, e := range log.Entries {
		if e.Action == action && e.ExportID == exportID {
			n++
		}
	}
	return n
}

// completionMails counts the completion emails of an export to admin.
func completionMails(t *testing.T, s *devstack.Stack, admin, exportID string) int {
	msgs, err := s.Mail.Messages()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range msgs {
		body, _ := m.Part("text/plain")
		if strings.Contains(strings.ToLower(m.Subject), "complete") && strings.Contains(body.Body, exportID) &&
			slices.ContainsFunc(m.To, func(to string) bool { return strings.EqualFold(to, admin) }) {
			n++
		}
	}
	return n
}
