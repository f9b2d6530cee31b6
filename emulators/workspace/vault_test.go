package workspace_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/api/googleapi"
	storage "google.golang.org/api/storage/v1"
	vault "google.golang.org/api/vault/v1"

	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

// clock is a settable emulator clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// startVault starts an emulator on a settable clock.
func startVault(t *testing.T, opt synth.Options, faults workspace.Faults, more ...*synth.Org) (*workspace.Server, *clock) {
	t.Helper()
	org, err := synth.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{now: time.Now()}
	s, err := workspace.Start(workspace.Config{Org: org, Faults: faults, Now: c.Now, Orgs: more}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, c
}

func vaultClients(t *testing.T, s *workspace.Server, subject string) (*vault.Service, *storage.Service) {
	t.Helper()
	ctx := context.Background()
	v, err := vault.NewService(ctx, clientOpts(t, s, "vault", subject)...)
	if err != nil {
		t.Fatal(err)
	}
	st, err := storage.NewService(ctx, clientOpts(t, s, "storage", subject)...)
	if err != nil {
		t.Fatal(err)
	}
	return v, st
}

// wantStatus checks a googleapi error's code, status and message.
func wantStatus(t *testing.T, err error, code int, status, message string) {
	t.Helper()
	var ge *googleapi.Error
	if !errors.As(err, &ge) {
		t.Fatalf("err = %v, want googleapi error %d %s", err, code, status)
	}
	if ge.Code != code || !strings.Contains(ge.Body, `"status":"`+status+`"`) || !strings.Contains(ge.Message, message) {
		t.Fatalf("err = %d %q %s, want %d %s %q", ge.Code, ge.Message, ge.Body, code, status, message)
	}
}

// wantCode checks a media download's error (its body is not parsed).
func wantCode(t *testing.T, err error, code int) {
	t.Helper()
	var ge *googleapi.Error
	if !errors.As(err, &ge) || ge.Code != code {
		t.Fatalf("err = %v, want HTTP %d", err, code)
	}
}

func newMatter(t *testing.T, v *vault.Service, name string) *vault.Matter {
	t.Helper()
	m, err := v.Matters.Create(&vault.Matter{Name: name, Description: "test"}).Do()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func mailQuery(method string, emails ...string) *vault.Query {
	q := &vault.Query{Corpus: "MAIL", DataScope: "ALL_DATA", Method: method, Terms: "label:^deleted", TimeZone: "UTC"}
	if len(emails) > 0 {
		q.AccountInfo = &vault.AccountInfo{Emails: emails}
	}
	return q
}

// runExport creates an export and reads it until it is no longer
// IN_PROGRESS.
func runExport(t *testing.T, v *vault.Service, matterID, name string, q *vault.Query) *vault.Export {
	t.Helper()
	opts := &vault.ExportOptions{}
	switch q.Corpus {
	case "MAIL":
		opts.MailOptions = &vault.MailExportOptions{ExportFormat: "MBOX"}
	case "GROUPS":
		opts.GroupsOptions = &vault.GroupsExportOptions{ExportFormat: "MBOX"}
	case "DRIVE":
		opts.DriveOptions = &vault.DriveExportOptions{IncludeAccessInfo: true}
	}
	e, err := v.Matters.Exports.Create(matterID, &vault.Export{Name: name, Query: q, ExportOptions: opts}).Do()
	if err != nil {
		t.Fatal(err)
	}
	if e.Status != "IN_PROGRESS" || e.Id == "" || e.Requester == nil || e.Requester.Email == "" {
		t.Fatalf("created export %+v", e)
	}
	for range 10 {
		if e, err = v.Matters.Exports.Get(matterID, e.Id).Do(); err != nil {
			t.Fatal(err)
		}
		if e.Status != "IN_PROGRESS" {
			return e
		}
	}
	t.Fatalf("export %s still IN_PROGRESS", e.Id)
	return nil
}

// download reads an export file through storage/v1 and checks it against
// the sink's md5Hash and size.
func download(t *testing.T, st *storage.Service, f *vault.CloudStorageFile) []byte {
	t.Helper()
	res, err := st.Objects.Get(f.BucketName, f.ObjectName).Download()
	if err != nil {
		t.Fatalf("download %s: %v", f.ObjectName, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if sum := md5.Sum(b); hex.EncodeToString(sum[:]) != f.Md5Hash || int64(len(b)) != f.Size {
		t.Errorf("%s: md5 %x size %d, sink says %s %d", f.ObjectName, sum, len(b), f.Md5Hash, f.Size)
	}
	return b
}

// mboxMessages splits an mboxrd file back into raw messages.
func mboxMessages(t *testing.T, b []byte) [][]byte {
	t.Helper()
	var msgs [][]byte
	var cur *bytes.Buffer
	flush := func() {
		if cur != nil {
			msgs = append(msgs, bytes.TrimSuffix(cur.Bytes(), []byte("\n"))) // the separating empty line
		}
	}
	r := bufio.NewReader(bytes.NewReader(b))
	for {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 {
			switch {
			case bytes.HasPrefix(line, []byte("From ")):
				flush()
				cur = new(bytes.Buffer)
			case bytes.HasPrefix(bytes.TrimLeft(line, ">"), []byte("From ")):
				cur.Write(line[1:])
			default:
				cur.Write(line)
			}
		}
		if err != nil {
			break
		}
	}
	flush()
	return msgs
}

// zipMboxes reads every mbox of an export zip.
func zipMboxes(t *testing.T, b []byte) map[string][][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = mboxMessages(t, data)
	}
	return out
}

func TestVaultMailExportOfTheWholeOrganisation(t *testing.T) {
	t.Parallel()
	s, _ := startVault(t, synth.Tiny(1), workspace.Faults{})
	org := s.Org()
	v, st := vaultClients(t, s, "admin@example.com")
	m := newMatter(t, v, "Export 2026")
	if m.State != "OPEN" || len(m.MatterPermissions) != 1 || m.MatterPermissions[0].Role != "OWNER" || m.MatterPermissions[0].AccountId != org.Users()[0].ID {
		t.Fatalf("matter %+v", m)
	}
	e := runExport(t, v, m.MatterId, "All mail / 2026", mailQuery("ENTIRE_ORG"))
	if e.Status != "COMPLETED" || e.CloudStorageSink == nil || len(e.CloudStorageSink.Files) != 2 {
		t.Fatalf("export %+v", e)
	}
	truth := map[string]synth.TruthItem{}
	for it := range s.Truth("vault") {
		truth[it.ItemID] = it
	}
	var mboxes map[string][][]byte
	for _, f := range e.CloudStorageSink.Files {
		if f.BucketName != workspace.VaultBucket || !strings.HasPrefix(f.ObjectName, m.MatterId+"/exports/"+e.Id+"/All_mail___2026-MAIL-") {
			t.Errorf("file %s/%s", f.BucketName, f.ObjectName)
		}
		b := download(t, st, f)
		o, err := st.Objects.Get(f.BucketName, f.ObjectName).Do()
		if err != nil {
			t.Fatal(err)
		}
		if sum := md5.Sum(b); o.Md5Hash != base64.StdEncoding.EncodeToString(sum[:]) || o.Size != uint64(len(b)) {
			t.Errorf("object resource %+v", o)
		}
		switch {
		case strings.HasSuffix(f.ObjectName, "-MAIL-1.zip"):
			mboxes = zipMboxes(t, b)
		case strings.HasSuffix(f.ObjectName, "-MAIL-metadata.xml"):
			if n := strings.Count(string(b), "<Document "); n != 2*len(org.Users()) {
				t.Errorf("metadata lists %d artifacts", n)
			}
		default:
			t.Errorf("unexpected file %s", f.ObjectName)
		}
	}
	total := 0
	for _, u := range org.Users() {
		msgs := mboxes[u.Email+".mbox"]
		if len(msgs) != org.RetainedCount(u.Index) {
			t.Errorf("%s: %d messages, synth retains %d", u.Email, len(msgs), org.RetainedCount(u.Index))
		}
		for _, raw := range msgs {
			total++
			sum := sha256.Sum256(raw)
			if !slicesHas(truth, hex.EncodeToString(sum[:])) {
				t.Errorf("%s: a message matches no truth item:\n%s", u.Email, raw)
			}
		}
	}
	if e.Stats == nil || e.Stats.ExportedArtifactCount != int64(total) || total != 2*len(org.Users()) {
		t.Errorf("stats %+v, %d messages read", e.Stats, total)
	}
}

func slicesHas(truth map[string]synth.TruthItem, sha string) bool {
	for _, it := range truth {
		if it.SHA256 == sha {
			return true
		}
	}
	return false
}

func TestVaultGroupsExportPerGroup(t *testing.T) {
	t.Parallel()
	s, _ := startVault(t, synth.Tiny(2), workspace.Faults{})
	org := s.Org()
	v, st := vaultClients(t, s, "admin@example.com")
	m := newMatter(t, v, "Groups")
	for _, g := range org.Groups() {
		q := &vault.Query{Corpus: "GROUPS", SearchMethod: "ACCOUNT", AccountInfo: &vault.AccountInfo{Emails: []string{g.Email}}}
		e := runExport(t, v, m.MatterId, "group "+g.Email, q)
		if e.Status != "COMPLETED" {
			t.Fatalf("%s: %s", g.Email, e.Status)
		}
		for _, f := range e.CloudStorageSink.Files {
			if !strings.HasSuffix(f.ObjectName, ".zip") {
				continue
			}
			mboxes := zipMboxes(t, download(t, st, f))
			if len(mboxes) != 1 || len(mboxes[g.Email+".mbox"]) != org.GroupPostCount(g.Index) {
				t.Errorf("%s: mboxes %v, want %d posts", g.Email, len(mboxes[g.Email+".mbox"]), org.GroupPostCount(g.Index))
			}
		}
	}
}

func TestVaultRefusesWithoutLicenceOrSuperAdmin(t *testing.T) {
	t.Parallel()
	opt := synth.Tiny(3)
	opt.Vault = false
	otherOpt := synth.Tiny(3)
	otherOpt.Domain = "other.example"
	second, _ := synth.New(otherOpt)
	s, _ := startVault(t, synth.Tiny(3), workspace.Faults{}, second)
	unlicensed, _ := startVault(t, opt, workspace.Faults{})

	v, _ := vaultClients(t, unlicensed, "admin@example.com")
	_, err := v.Matters.List().Do()
	wantStatus(t, err, 403, "PERMISSION_DENIED", "The caller does not have permission")

	v, _ = vaultClients(t, s, "admin@example.com")
	e := runExport(t, v, newMatter(t, v, "m").MatterId, "mail", mailQuery("ACCOUNT", "admin@example.com"))
	f := e.CloudStorageSink.Files[0]
	delegated := s.Org().Users()[5].Email // a delegated admin, not a super admin
	dv, dst := vaultClients(t, s, delegated)
	_, err = dv.Matters.List().Do()
	wantStatus(t, err, 403, "PERMISSION_DENIED", "The caller does not have permission")
	_, err = dst.Objects.Get(f.BucketName, f.ObjectName).Download()
	wantCode(t, err, 403)
	_, ost := vaultClients(t, s, "admin@other.example") // a super admin of another organisation
	_, err = ost.Objects.Get(f.BucketName, f.ObjectName).Download()
	wantCode(t, err, 403)
	_, err = ost.Objects.Get(f.BucketName, f.ObjectName).Do()
	wantAPIError(t, err, 403, "forbidden")
	ov, _ := vaultClients(t, s, "admin@other.example")
	_, err = ov.Matters.Get(e.MatterId).Do()
	wantAPIError(t, err, 404, "notFound")
}

func TestVaultMattersHoldsAndDeletion(t *testing.T) {
	t.Parallel()
	s, _ := startVault(t, synth.Tiny(4), workspace.Faults{})
	org := s.Org()
	v, st := vaultClients(t, s, "admin@example.com")
	ms, err := v.Matters.List().Do()
	if err != nil || len(ms.Matters) != 2 || ms.Matters[0].Name != "Litigation hold 2025" || ms.Matters[1].State != "CLOSED" {
		t.Fatalf("matters %+v %v", ms, err)
	}
	hs, err := v.Matters.Holds.List(ms.Matters[0].MatterId).Do()
	if err != nil || len(hs.Holds) != 2 {
		t.Fatalf("holds %+v %v", hs, err)
	}
	if h := hs.Holds[0]; h.Corpus != "MAIL" || len(h.Accounts) != 1 || h.Accounts[0].Email != org.Users()[1].Email || h.Accounts[0].AccountId != org.Users()[1].ID {
		t.Errorf("mail hold %+v", h)
	}
	if h := hs.Holds[1]; h.Corpus != "DRIVE" || h.OrgUnit == nil || h.OrgUnit.OrgUnitId != org.OrgUnitID("/Staff") {
		t.Errorf("drive hold %+v", h)
	}

	m := newMatter(t, v, "Short-lived")
	e := runExport(t, v, m.MatterId, "mail", mailQuery("ACCOUNT", org.Users()[1].Email))
	_, err = v.Matters.Delete(m.MatterId).Do()
	wantStatus(t, err, 400, "FAILED_PRECONDITION", "must be closed")
	if c, err := v.Matters.Close(m.MatterId, &vault.CloseMatterRequest{}).Do(); err != nil || c.Matter.State != "CLOSED" {
		t.Fatalf("close: %+v %v", c, err)
	}
	_, err = v.Matters.Exports.Create(m.MatterId, &vault.Export{Name: "late", Query: mailQuery("ENTIRE_ORG")}).Do()
	wantStatus(t, err, 400, "FAILED_PRECONDITION", "OPEN matter")
	if d, err := v.Matters.Delete(m.MatterId).Do(); err != nil || d.State != "DELETED" {
		t.Fatalf("delete: %+v %v", d, err)
	}
	for _, f := range e.CloudStorageSink.Files {
		_, err := st.Objects.Get(f.BucketName, f.ObjectName).Download()
		wantCode(t, err, 404)
	}
	if ms, _ := v.Matters.List().State("DELETED").Do(); len(ms.Matters) != 1 || ms.Matters[0].MatterId != m.MatterId {
		t.Errorf("deleted matters %+v", ms)
	}
	if ms, _ := v.Matters.List().Do(); len(ms.Matters) != 2 {
		t.Errorf("listed %d matters, want 2 (deleted ones left out)", len(ms.Matters))
	}
	if r, err := v.Matters.Reopen(ms.Matters[1].MatterId, &vault.ReopenMatterRequest{}).Do(); err != nil || r.Matter.State != "OPEN" {
		t.Errorf("reopen: %+v %v", r, err)
	}
}

func TestVaultRefusesBadExports(t *testing.T) {
	t.Parallel()
	s, _ := startVault(t, synth.Tiny(5), workspace.Faults{VaultExportDelay: workspace.Duration(time.Hour)})
	org := s.Org()
	v, _ := vaultClients(t, s, "admin@example.com")
	m := newMatter(t, v, "Bad")
	_, err := v.Matters.Create(&vault.Matter{}).Do()
	wantStatus(t, err, 400, "INVALID_ARGUMENT", "name is required")
	for _, c := range []struct {
		e    vault.Export
		want string
	}{
		{vault.Export{Query: mailQuery("ENTIRE_ORG")}, "name is required"},
		{vault.Export{Name: "x", Query: &vault.Query{Method: "ENTIRE_ORG"}}, "corpus is required"},
		{vault.Export{Name: "x", Query: &vault.Query{Corpus: "FAX", Method: "ENTIRE_ORG"}}, "query.corpus"},
		{vault.Export{Name: "x", Query: &vault.Query{Corpus: "MAIL"}}, "method is required"},
		{vault.Export{Name: "x", Query: &vault.Query{Corpus: "MAIL", Method: "EVERYONE"}}, "query.method"},
		{vault.Export{Name: "x", Query: mailQuery("ACCOUNT")}, "accountInfo.emails"},
		{vault.Export{Name: "x", Query: mailQuery("ACCOUNT", "nobody@example.com")}, "nobody@example.com"},
		{vault.Export{Name: "x", Query: mailQuery("ACCOUNT", org.Groups()[0].Email)}, org.Groups()[0].Email},
		{vault.Export{Name: "x", Query: &vault.Query{Corpus: "GROUPS", Method: "ACCOUNT", AccountInfo: &vault.AccountInfo{Emails: []string{"admin@example.com"}}}}, "admin@example.com"},
		{vault.Export{Name: "x", Query: &vault.Query{Corpus: "GROUPS", Method: "ENTIRE_ORG"}}, "GROUPS exports need"},
		{vault.Export{Name: "x", Query: &vault.Query{Corpus: "MAIL", Method: "ENTIRE_ORG", EndTime: "yesterday"}}, "endTime"},
		{vault.Export{Name: "x", Query: &vault.Query{Corpus: "MAIL", Method: "ORG_UNIT", OrgUnitInfo: &vault.OrgUnitInfo{OrgUnitId: "nope"}}}, "org unit"},
	} {
		_, err := v.Matters.Exports.Create(m.MatterId, &c.e).Do()
		wantStatus(t, err, 400, "INVALID_ARGUMENT", c.want)
	}
	if _, err := v.Matters.Exports.Create(m.MatterId, &vault.Export{Name: "dup", Query: mailQuery("ENTIRE_ORG")}).Do(); err != nil {
		t.Fatal(err)
	}
	_, err = v.Matters.Exports.Create(m.MatterId, &vault.Export{Name: "dup", Query: mailQuery("ENTIRE_ORG")}).Do()
	wantStatus(t, err, 409, "ALREADY_EXISTS", "already exists")
	for i := range 19 {
		if _, err := v.Matters.Exports.Create(m.MatterId, &vault.Export{Name: "e" + string(rune('a'+i)), Query: mailQuery("ENTIRE_ORG")}).Do(); err != nil {
			t.Fatal(err)
		}
	}
	_, err = v.Matters.Exports.Create(m.MatterId, &vault.Export{Name: "21st", Query: mailQuery("ENTIRE_ORG")}).Do()
	wantStatus(t, err, 429, "RESOURCE_EXHAUSTED", "in progress")
	_, err = v.Matters.Exports.Get(m.MatterId, "exportly-nope").Do()
	wantAPIError(t, err, 404, "notFound")
}

func TestVaultExportDelayFailuresAndCorruption(t *testing.T) {
	t.Parallel()
	s, clk := startVault(t, synth.Tiny(6), workspace.Faults{VaultExportDelay: workspace.Duration(10 * time.Minute)})
	org := s.Org()
	v, st := vaultClients(t, s, "admin@example.com")
	m := newMatter(t, v, "Faults")
	e, err := v.Matters.Exports.Create(m.MatterId, &vault.Export{Name: "slow", Query: mailQuery("ENTIRE_ORG")}).Do()
	if err != nil {
		t.Fatal(err)
	}
	if e, _ = v.Matters.Exports.Get(m.MatterId, e.Id).Do(); e.Status != "IN_PROGRESS" || e.CloudStorageSink != nil {
		t.Fatalf("before the delay: %+v", e)
	}
	clk.add(11 * time.Minute)
	if l, err := v.Matters.Exports.List(m.MatterId).Do(); err != nil || len(l.Exports) != 1 || l.Exports[0].Status != "COMPLETED" {
		t.Fatalf("after the delay: %+v %v", l, err)
	}

	// endTime leaves out newer retained mail: message 0 is 3 days old, 1 is 10.
	end := org.Options().Now.Add(-5 * 24 * time.Hour).Format(time.RFC3339)
	q := mailQuery("ACCOUNT", org.Users()[0].Email)
	q.EndTime = end
	if err := s.SetFaults(workspace.Faults{FailVaultCorpora: []string{"GROUPS"}}); err != nil {
		t.Fatal(err)
	}
	e = runExport(t, v, m.MatterId, "old mail", q)
	var zipName string
	for _, f := range e.CloudStorageSink.Files {
		if strings.HasSuffix(f.ObjectName, ".zip") {
			zipName = f.ObjectName
			if msgs := zipMboxes(t, download(t, st, f))[org.Users()[0].Email+".mbox"]; len(msgs) != 1 {
				t.Errorf("endTime: %d messages, want 1", len(msgs))
			}
		}
	}
	g := &vault.Query{Corpus: "GROUPS", Method: "ACCOUNT", AccountInfo: &vault.AccountInfo{Emails: []string{org.Groups()[0].Email}}}
	if e := runExport(t, v, m.MatterId, "groups", g); e.Status != "FAILED" || e.CloudStorageSink != nil {
		t.Errorf("failing corpus: %+v", e)
	}

	if err := s.SetFaults(workspace.Faults{CorruptObjects: []string{zipName}}); err != nil {
		t.Fatal(err)
	}
	res, err := st.Objects.Get(workspace.VaultBucket, zipName).Download()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	o, _ := st.Objects.Get(workspace.VaultBucket, zipName).Do()
	if sum := md5.Sum(b); o.Md5Hash == base64.StdEncoding.EncodeToString(sum[:]) || o.Size != uint64(len(b)) {
		t.Errorf("a corrupt object matches its md5Hash")
	}
}

func TestVaultAndStorageTakeFaults(t *testing.T) {
	t.Parallel()
	s, _ := startVault(t, synth.Tiny(7), workspace.Faults{APIs: map[string]workspace.APIFaults{"vault": {RateLimit: 1}, "storage": {ServerError: 1}}})
	v, st := vaultClients(t, s, "admin@example.com")
	_, err := v.Matters.List().Do()
	wantAPIError(t, err, 429, "rateLimitExceeded")
	_, err = st.Objects.Get(workspace.VaultBucket, "x/y").Do()
	var ge *googleapi.Error
	if !errors.As(err, &ge) || ge.Code < 500 {
		t.Errorf("storage fault: %v", err)
	}
	_ = s.SetFaults(workspace.Faults{})
	if _, err := v.Matters.List().Do(); err != nil {
		t.Errorf("after the faults were cleared: %v", err)
	}
}
