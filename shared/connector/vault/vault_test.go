package vault_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	emulator "github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/connector/connectortest"
	"github.com/orgexport/orgexport/shared/connector/vault"
	"github.com/orgexport/orgexport/shared/export"
)

// fast polls every few milliseconds.
var fast = vault.Options{Poll: 5 * time.Millisecond}

func vaultAccount(t testing.TB, env *connectortest.Env) connector.Account {
	t.Helper()
	for _, a := range env.Accounts() {
		if a.Kind == vault.Kind {
			a.ExportID = "e1" + strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-"))
			return a
		}
	}
	t.Fatal("the organisation has no Vault account")
	return connector.Account{}
}

func schemas(t *testing.T) map[string]*jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(vault.Schema))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("vault.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	out := map[string]*jsonschema.Schema{}
	for _, d := range []string{"matters", "exports"} {
		if out[d+".json"], err = c.Compile("vault.schema.json#/$defs/" + d); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// mboxMessages counts the messages of every mbox in the Vault zips.
func mboxMessages(t *testing.T, r *connectortest.Result) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, e := range r.Entries() {
		if !strings.HasSuffix(e.Path, ".zip") {
			continue
		}
		zr, err := zip.NewReader(bytes.NewReader(e.Data), int64(len(e.Data)))
		if err != nil {
			t.Fatalf("%s is not a zip: %v", e.Path, err)
		}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			sc := bufio.NewScanner(rc)
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				if strings.HasPrefix(sc.Text(), "From ") {
					out[f.Name]++
				}
			}
			rc.Close()
		}
	}
	return out
}

// The mail users deleted and the groups' conversations come from Vault,
// every item is in the index, every JSON file validates, the copies are
// real zips of mboxes, and the matter is gone afterwards.
func TestExportsRetainedMailAndGroupConversations(t *testing.T) {
	opts := synth.Tiny(3)
	opts.Hostile = true
	env := connectortest.Start(t, opts)
	a := vaultAccount(t, env)
	r, err := connectortest.ExportAll(context.Background(), vault.New(env.Factory, fast), a, nil)
	if err != nil {
		t.Fatal(err)
	}
	truth := env.Truth(a, export.Vault)
	if len(truth) == 0 {
		t.Fatal("the organisation has no Vault data: nothing was tested")
	}
	connectortest.Check(t, truth, r, a)

	sch := schemas(t)
	files := map[string]bool{}
	for _, e := range r.Entries() {
		files[path.Base(e.Path)] = true
		if !strings.HasPrefix(e.Path, "Vault/") {
			t.Errorf("entry %s outside Vault/", e.Path)
		}
		s := sch[path.Base(e.Path)]
		if s == nil {
			continue
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(e.Data))
		if err != nil {
			t.Fatalf("%s: %v", e.Path, err)
		}
		if err := s.Validate(inst); err != nil {
			t.Errorf("%s does not validate: %v", e.Path, err)
		}
	}
	if !files["matters.json"] || !files["exports.json"] {
		t.Errorf("files %v: want matters.json and exports.json", files)
	}

	org := env.Server.Org()
	msgs := mboxMessages(t, r)
	users := org.Users()
	suspended := 0
	for u := range users {
		n := org.RetainedCount(u)
		if org.SuspendedMail(u) {
			n += org.MessageCount(u) // a suspended account's live mail comes through Vault too
			suspended++
		}
		if n > 0 && msgs[users[u].Email+".mbox"] != n {
			t.Errorf("%s: %d messages in the copied mboxes, want %d", users[u].Email, msgs[users[u].Email+".mbox"], n)
		}
	}
	if suspended == 0 {
		t.Error("the organisation has no suspended account whose mail Vault exports")
	}
	posts := 0
	for _, n := range msgs {
		posts += n
	}
	want := 0
	for _, it := range truth {
		if !strings.HasPrefix(it.Note, "Drive file of ") {
			want++
		}
	}
	if posts != want {
		t.Errorf("%d messages in the copied mboxes, want %d (retained mail and group posts)", posts, want)
	}

	svc, err := env.Factory.Vault(context.Background(), a.Subject)
	if err != nil {
		t.Fatal(err)
	}
	open, err := svc.Matters.List().State("OPEN").Do()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range open.Matters {
		if strings.HasPrefix(m.Name, "orgexport ") {
			t.Errorf("matter %q is still open after the export", m.Name)
		}
	}
}

// The Vault exports ask for what the package says: deleted mail only, all
// groups, held data of held corpora, ending at the cut-off, kept in the US.
func TestAsksVaultForTheRightData(t *testing.T) {
	env := connectortest.Start(t, synth.Tiny(4))
	a := vaultAccount(t, env)
	a.CutOff = synth.DefaultNow.Add(-time.Hour)
	r, err := connectortest.ExportAll(context.Background(), vault.New(env.Factory, fast), a, nil)
	if err != nil {
		t.Fatal(err)
	}
	var sums []vault.ExportSummary
	for _, e := range r.Entries() {
		if path.Base(e.Path) == "exports.json" {
			if err := json.Unmarshal(e.Data, &sums); err != nil {
				t.Fatal(err)
			}
		}
	}
	byCorpus := map[string]vault.ExportSummary{}
	var suspended, suspendedDrive []vault.ExportSummary
	for _, s := range sums {
		if strings.HasPrefix(s.Name, "orgexport-drive-suspended-") {
			// A suspended account's Drive files, as much as Drive would give.
			suspendedDrive = append(suspendedDrive, s)
			if s.EndTime != "" || s.Corpus != "DRIVE" || s.DataScope != "ALL_DATA" || s.Method != "ACCOUNT" || s.Status != "COMPLETED" {
				t.Errorf("suspended accounts' Drive export %+v: want all their files by account, no end", s)
			}
			continue
		}
		if strings.HasPrefix(s.Name, "orgexport-mail-suspended-") {
			// A suspended account's mailbox, as much as Gmail would give.
			suspended = append(suspended, s)
			if s.EndTime != "" || s.Terms != "-label:^deleted" || s.Method != "ACCOUNT" || s.Status != "COMPLETED" {
				t.Errorf("suspended accounts' mail export %+v: want their live mail, no end", s)
			}
			continue
		}
		byCorpus[s.Corpus] = s
		if s.EndTime != a.CutOff.UTC().Format(time.RFC3339) {
			t.Errorf("%s ends at %q, want the cut-off %s", s.Name, s.EndTime, a.CutOff.UTC().Format(time.RFC3339))
		}
		if s.Status != "COMPLETED" {
			t.Errorf("%s: status %s", s.Name, s.Status)
		}
	}
	if m := byCorpus["MAIL"]; m.Terms != "label:^deleted" || m.Method != "ENTIRE_ORG" {
		t.Errorf("mail export %+v: want label:^deleted over the whole organisation", m)
	}
	var want []string
	for _, u := range env.Server.Org().Users() {
		if u.Suspended && !u.Created.After(a.CutOff) {
			want = append(want, u.Email)
		}
	}
	if len(suspended) != 1 || !slices.Equal(suspended[0].Accounts, want) || len(want) == 0 {
		t.Errorf("suspended accounts' mail exports %+v, want one of %v", suspended, want)
	}
	if len(suspendedDrive) != 1 || !slices.Equal(suspendedDrive[0].Accounts, want) {
		t.Errorf("suspended accounts' Drive exports %+v, want one of %v", suspendedDrive, want)
	}
	if g := byCorpus["GROUPS"]; len(g.Accounts) != len(env.Server.Org().Groups()) {
		t.Errorf("groups export covers %d groups, want all %d", len(g.Accounts), len(env.Server.Org().Groups()))
	}
	if d := byCorpus["DRIVE"]; d.DataScope != "HELD_DATA" {
		t.Errorf("drive export %+v: want the held data (the organisation has a Drive hold)", d)
	}

	// R4: mail deleted after the cut-off is not exported. Each user's
	// retained message 0 is 3 days old and message 1 is 10 days old.
	a.ExportID += "-early"
	a.CutOff = synth.DefaultNow.Add(-5 * 24 * time.Hour)
	r, err = connectortest.ExportAll(context.Background(), vault.New(env.Factory, fast), a, nil)
	if err != nil {
		t.Fatal(err)
	}
	org := env.Server.Org()
	items := r.Items()
	for u := range org.Users() {
		if items[org.RetainedID(u, 0)] != 0 || items[org.RetainedID(u, 1)] != 1 {
			t.Errorf("user %d: retained messages exported %d and %d times, want 0 (after the cut-off) and 1",
				u, items[org.RetainedID(u, 0)], items[org.RetainedID(u, 1)])
		}
	}
}

// Without Vault licences the product is unsupported, with a reason a
// person can act on, and nothing is left behind.
func TestWithoutVaultIsUnsupported(t *testing.T) {
	opts := synth.Tiny(5)
	opts.Vault = false
	env := connectortest.Start(t, opts)
	a := vaultAccount(t, env)
	_, err := connectortest.ExportAll(context.Background(), vault.New(env.Factory, fast), a, nil)
	if !errors.Is(err, connector.ErrUnsupported) {
		t.Fatalf("err = %v, want ErrUnsupported", err)
	}
	for _, want := range []string{"Vault licence", "Manage exports", "group conversations"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("reason %q does not mention %q", err, want)
		}
	}
}

// A file whose bytes do not match Vault's MD5 is reported, and so is every
// item of its export; the other exports' items are exported.
func TestCorruptFileIsReportedWithItsItems(t *testing.T) {
	env := connectortest.Start(t, synth.Tiny(6))
	a := vaultAccount(t, env)
	c := vault.New(env.Factory, fast)
	// Run until Vault's exports are done and copying is about to start.
	first := &connectortest.Emitter{Cut: func(_ int, cursor string) bool { return strings.Contains(cursor, `"copy"`) }}
	if err := c.Export(context.Background(), a, "", first); !errors.Is(err, connector.ErrCut) {
		t.Fatalf("err = %v, want a cut before copying", err)
	}
	// Corrupt the mail export's zip in Vault's bucket, then go on.
	svc, err := env.Factory.Vault(context.Background(), a.Subject)
	if err != nil {
		t.Fatal(err)
	}
	matters, err := svc.Matters.List().State("OPEN").Do()
	if err != nil {
		t.Fatal(err)
	}
	var mailZip string
	for _, m := range matters.Matters {
		if m.Name != "orgexport "+a.ExportID {
			continue
		}
		xs, err := svc.Matters.Exports.List(m.MatterId).Do()
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range xs.Exports {
			for _, f := range x.CloudStorageSink.Files {
				if x.Name == "orgexport-mail-deleted" && strings.HasSuffix(f.ObjectName, ".zip") {
					mailZip = f.ObjectName
				}
			}
		}
	}
	if mailZip == "" {
		t.Fatal("no mail zip among the matter's exports")
	}
	env.SetFaults(t, emulator.Faults{CorruptObjects: []string{mailZip}})
	r := &connectortest.Result{Parts: []*connectortest.Emitter{first}}
	rest, err := connectortest.ExportAllFrom(context.Background(), c, a, first.Checkpoints[len(first.Checkpoints)-1], nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Parts = append(r.Parts, rest.Parts...)
	failed := map[string]string{}
	for _, f := range r.Failures() {
		failed[f.ItemID] = f.Reason
	}
	for _, it := range env.Truth(a, export.Vault) {
		_, isFailed := failed[it.ItemID]
		if retainedMail := strings.HasPrefix(it.Note, "retained mail"); retainedMail != isFailed {
			t.Errorf("%s (%s): failed=%v, want %v", it.ItemID, it.Note, isFailed, retainedMail)
		}
	}
	if why, ok := failed[mailZip]; !ok || !strings.Contains(why, "MD5") {
		t.Errorf("the corrupt file %s is not reported with its MD5 mismatch (failures %v)", mailZip, failed)
	}
}

// An export Vault fails is reported; the others are copied.
func TestFailedVaultExportIsReported(t *testing.T) {
	env := connectortest.Start(t, synth.Tiny(7))
	a := vaultAccount(t, env)
	env.SetFaults(t, emulator.Faults{FailVaultCorpora: []string{"GROUPS"}})
	r, err := connectortest.ExportAll(context.Background(), vault.New(env.Factory, fast), a, nil)
	if err != nil {
		t.Fatal(err)
	}
	items := r.Items()
	reported := false
	for _, f := range r.Failures() {
		if strings.Contains(f.ItemID, "orgexport-groups") && strings.Contains(f.Reason, "FAILED") {
			reported = true
		}
	}
	if !reported {
		t.Errorf("the failed groups export is not reported: %v", r.Failures())
	}
	for _, it := range env.Truth(a, export.Vault) {
		if strings.HasPrefix(it.Note, "retained mail") && items[it.ItemID] != 1 {
			t.Errorf("retained message %s missing though its export completed", it.ItemID)
		}
	}
}

// A slow Vault export is waited out over several parts, each cut at a
// checkpoint, and the result is the same as at one go; parts that only
// waited hold no file.
func TestWaitSpansParts(t *testing.T) {
	env := connectortest.Start(t, synth.Tiny(8))
	a := vaultAccount(t, env)
	env.SetFaults(t, emulator.Faults{VaultExportDelay: emulator.Duration(150 * time.Millisecond)})
	waits := 0
	cut := func(_ int, cursor string) bool {
		if strings.Contains(cursor, `"wait"`) {
			waits++
		}
		return true
	}
	r, err := connectortest.ExportAll(context.Background(), vault.New(env.Factory, vault.Options{Poll: 20 * time.Millisecond}), a, cut)
	if err != nil {
		t.Fatal(err)
	}
	connectortest.Check(t, env.Truth(a, export.Vault), r, a)
	if waits < 2 {
		t.Errorf("%d checkpoints while waiting, want several", waits)
	}
	empty := 0
	for _, p := range r.Parts {
		if len(p.Entries) == 0 {
			empty++
		}
	}
	if empty == 0 {
		t.Error("no part only waited")
	}
}

// A retry after a crash finds the matter and its exports by name instead
// of making new ones.
func TestRetryReusesTheMatter(t *testing.T) {
	env := connectortest.Start(t, synth.Tiny(9))
	a := vaultAccount(t, env)
	c := vault.New(env.Factory, fast)
	// Run up to the first checkpoint after the exports are made, and drop
	// that part as a crash would: the next run starts from the beginning.
	e := &connectortest.Emitter{Cut: func(_ int, cursor string) bool { return strings.Contains(cursor, `"wait"`) }}
	if err := c.Export(context.Background(), a, "", e); !errors.Is(err, connector.ErrCut) {
		t.Fatalf("err = %v, want a cut while waiting", err)
	}
	r, err := connectortest.ExportAll(context.Background(), c, a, nil)
	if err != nil {
		t.Fatal(err)
	}
	connectortest.Check(t, env.Truth(a, export.Vault), r, a)
	svc, _ := env.Factory.Vault(context.Background(), a.Subject)
	n := 0
	for _, state := range []string{"OPEN", "CLOSED", "DELETED"} {
		all, err := svc.Matters.List().State(state).Do()
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range all.Matters {
			if m.Name == "orgexport "+a.ExportID {
				n++
			}
		}
	}
	if n != 1 {
		t.Errorf("%d matters named for the export, want 1", n)
	}
}

func TestConformance(t *testing.T) {
	env := connectortest.Start(t, synth.Tiny(1))
	n := 0
	connectortest.Run(t, env, func() connector.Connector {
		return exportIDs{vault.New(env.Factory, fast), &n}
	}, connectortest.Suite{API: "vault"})
}

// exportIDs gives each export from the start its own export id, as each
// export of the pipeline has one (so each makes its own matter).
type exportIDs struct {
	*vault.Connector
	n *int
}

func (c exportIDs) Export(ctx context.Context, a connector.Account, cursor string, e connector.Emitter) error {
	if cursor == "" {
		*c.n++
	}
	a.ExportID = fmt.Sprintf("run-%d", *c.n)
	return c.Connector.Export(ctx, a, cursor, e)
}

// A cancelled export's matter is discarded: closed and deleted, so Vault
// keeps no copies; discarding again, or where nothing was made, or without
// Vault, is harmless.
func TestDiscardDeletesTheMatter(t *testing.T) {
	env := connectortest.Start(t, synth.Tiny(10))
	a := vaultAccount(t, env)
	c := vault.New(env.Factory, fast)
	e := &connectortest.Emitter{Cut: func(_ int, cursor string) bool { return strings.Contains(cursor, `"wait"`) }}
	if err := c.Export(context.Background(), a, "", e); !errors.Is(err, connector.ErrCut) {
		t.Fatalf("err = %v, want a cut while waiting", err)
	}
	for range 2 {
		if err := c.Discard(context.Background(), a); err != nil {
			t.Fatal(err)
		}
	}
	svc, _ := env.Factory.Vault(context.Background(), a.Subject)
	for _, state := range []string{"OPEN", "CLOSED"} {
		ms, err := svc.Matters.List().State(state).Do()
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms.Matters {
			if m.Name == "orgexport "+a.ExportID {
				t.Errorf("the matter is still %s after Discard", state)
			}
		}
	}
	a.ExportID = "never-started"
	if err := c.Discard(context.Background(), a); err != nil {
		t.Errorf("discard with nothing made: %v", err)
	}

	opts := synth.Tiny(11)
	opts.Vault = false
	none := connectortest.Start(t, opts)
	b := vaultAccount(t, none)
	if err := vault.New(none.Factory, fast).Discard(context.Background(), b); err != nil {
		t.Errorf("discard without Vault: %v", err)
	}
}

// Every Vault call may lose its answer (cut off after Vault acted on it):
// the calls that are not idempotent — making the matter and its exports,
// closing and deleting it — are not repeated blindly; their effect is read
// back, so the account exports everything, nothing is listed as failed,
// and exactly one matter was made and is deleted at the end.
func TestAnswersCutOffOnEveryVaultCall(t *testing.T) {
	env := connectortest.Start(t, synth.Tiny(11))
	a := vaultAccount(t, env)
	c := vault.New(env.Factory, fast)
	env.SetFaults(t, emulator.Faults{APIs: map[string]emulator.APIFaults{"vault": {Truncate: 0.35}}})
	r, err := connectortest.ExportAll(context.Background(), c, a, nil)
	if err != nil {
		t.Fatal(err)
	}
	env.SetFaults(t, emulator.Faults{})
	if f := r.Failures(); len(f) != 0 {
		t.Errorf("%d items failed with every answer at risk; want none: %+v", len(f), f)
	}
	connectortest.Check(t, env.Truth(a, export.Vault), r, a)
	svc, _ := env.Factory.Vault(context.Background(), a.Subject)
	states := map[string]int{}
	for _, state := range []string{"OPEN", "CLOSED", "DELETED"} {
		all, err := svc.Matters.List().State(state).Do()
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range all.Matters {
			if m.Name == "orgexport "+a.ExportID {
				states[state]++
			}
		}
	}
	if states["OPEN"]+states["CLOSED"] != 0 || states["DELETED"] != 1 {
		t.Errorf("matters of the export by state %v; want exactly one, deleted", states)
	}
}
