package devstack_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/devstack"
	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/export"
)

// TestTwoOrganisations serves two organisations from one deployment, as
// production does: a hostile one (markup, CR/LF, ../, RTL override, 10,000-
// character and invalid UTF-8 names, a mail that would break an mbox) and a
// plain one. Both are exported end to end; then every endpoint is called by
// every role of both, and the hostile archive, report, emails and the logs
// are checked.
func TestTwoOrganisations(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the whole local stack")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	now := time.Now().UTC().Truncate(time.Second)
	oa := synth.Tiny(11)
	oa.Now, oa.Hostile = now, true
	// One space no member of the organisation is left in (R7b).
	oa.ChatSpaces, oa.OrphanedSpaces = 3, 1
	a := mustOrg(t, oa)
	b := plainOrg(t, now)
	orgs := []*tenant{newTenant(t, a), newTenant(t, b)}
	password := "smtp-" + randomHex(t)
	dir := t.TempDir()
	s, err := devstack.Start(ctx, devstack.Options{Dir: filepath.Join(dir, "stack"), Org: a, Orgs: []*synth.Org{b},
		Hold: 2 * time.Second, PartSize: "1MiB", SMTPUsername: "orgexport", SMTPPassword: password})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	// Items with hostile names fail, so the report lists them by name.
	failing := hostileItems(s)
	if err := s.Workspace.SetFaults(workspace.Faults{FailItems: failing}); err != nil {
		t.Fatal(err)
	}
	for _, o := range orgs {
		o.exportID = startExport(ctx, t, s, o.super)
	}
	var cutOff time.Time
	for i, o := range orgs {
		state, c := waitDone(ctx, t, s, o.super, o.exportID)
		if want := []export.State{export.CompletedWithErrors, export.Completed}[i]; state != want {
			t.Fatalf("%s: export ended %s, want %s", o.domain, state, want)
		}
		if i == 0 {
			cutOff = c
		}
	}
	m := &matrix{s: s, orgs: orgs}
	m.run(ctx, t)
	checkSupportAudited(ctx, t, m)
	checkLinks(ctx, t, m)

	root := filepath.Join(dir, "archive")
	mirror(ctx, t, s, a.Customer().ID+"/"+orgs[0].exportID+"/", root)
	checkHostileArchive(t, root)
	checkTruth(t, s, root, cutOff, failing)
	checkUnsupported(ctx, t, s, root, orgs)
	checkHostileEmails(t, s)
	checkLogs(t, s, password)
}

// checkUnsupported: what an account found it cannot export for the whole
// organisation is listed on the export, in report.json and the status API:
// the orphaned space of the first organisation, and Vault for the second,
// which has no Vault licences.
func checkUnsupported(ctx context.Context, t *testing.T, s *devstack.Stack, root string, orgs []*tenant) {
	var rep struct {
		Unsupported []struct {
			Product  string `json:"product"`
			DataType string `json:"data_type"`
			Reason   string `json:"reason"`
		} `json:"unsupported"`
	}
	b, err := os.ReadFile(filepath.Join(root, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	orphan := false
	for _, u := range rep.Unsupported {
		if u.Product == string(export.Chat) && strings.Contains(u.Reason, "no member in the organisation") {
			orphan = true
		}
	}
	if !orphan {
		t.Errorf("report.json does not list the space without members as unsupported: %+v", rep.Unsupported)
	}
	var status struct {
		Unsupported []export.Unsupported `json:"unsupported"`
	}
	call(ctx, t, s, orgs[1].super, http.MethodGet, "/exports/"+orgs[1].exportID, &status)
	vault := false
	for _, u := range status.Unsupported {
		if u.Product == export.Vault && strings.Contains(u.Reason, "Vault licence") {
			vault = true
		}
	}
	if !vault {
		t.Errorf("the status API of the organisation without Vault does not say why Vault is missing: %+v", status.Unsupported)
	}
}

func mustOrg(t *testing.T, o synth.Options) *synth.Org {
	t.Helper()
	org, err := synth.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return org
}

// plainOrg is an organisation without data on other.example whose
// delegated admin is not suspended.
func plainOrg(t *testing.T, now time.Time) *synth.Org {
	for seed := int64(12); seed < 100; seed++ {
		o := synth.Tiny(seed)
		o.Now, o.Domain, o.MetadataOnly = now, "other.example", true
		o.Vault = false // no Vault licences: Vault is unsupported, with the reason
		org := mustOrg(t, o)
		for _, u := range org.Users() {
			if u.DelegatedAdmin && !u.Suspended {
				return org
			}
		}
	}
	t.Fatal("no seed gives an active delegated admin")
	return nil
}

// hostileItems are the Drive files and messages of the hostile
// organisation whose names hold markup.
func hostileItems(s *devstack.Stack) []string {
	var out []string
	for _, a := range s.Workspace.Accounts() {
		for it := range s.Workspace.Truth(a.ID) {
			if (it.Product == export.Drive || it.Product == export.Gmail) && strings.ContainsAny(it.Name, "<>") {
				out = append(out, it.ItemID)
			}
		}
	}
	return out
}

func randomHex(t *testing.T) string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// tenant is one organisation and its people.
type tenant struct {
	domain, customerID     string
	super, user, delegated string
	exportID               string
}

func newTenant(t *testing.T, org *synth.Org) *tenant {
	o := &tenant{domain: org.Customer().Domain, customerID: org.Customer().ID}
	for _, u := range org.Users() {
		switch {
		case u.Suspended:
		case u.Admin && o.super == "" && u.Enforce2SV:
			o.super = u.Email
		case u.DelegatedAdmin && !u.Admin && o.delegated == "":
			o.delegated = u.Email
		case !u.Admin && !u.DelegatedAdmin && o.user == "":
			o.user = u.Email
		}
	}
	if o.super == "" || o.user == "" || o.delegated == "" {
		t.Fatalf("%s lacks a role: %+v", o.domain, o)
	}
	return o
}

// answer is what a call got.
type answer struct {
	code int
	body string
}

// request makes one call to a function with a bearer token ("" for none).
func request(ctx context.Context, t *testing.T, url, method, token, body string) answer {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, string(b)}
}

func jsonField(t *testing.T, body string, into any) {
	t.Helper()
	if err := json.Unmarshal([]byte(body), into); err != nil {
		t.Fatalf("not JSON: %v: %.300s", err, body)
	}
}
