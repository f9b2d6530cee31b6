package vault_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"path"
	"strings"
	"testing"

	emulator "github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/connector/connectortest"
	"github.com/orgexport/orgexport/shared/connector/vault"
	"github.com/orgexport/orgexport/shared/export"
)

// The Drive files of a suspended user, which Drive will not serve, come
// through Vault: each is an entry of its own in the Vault account's folder,
// Vault/Drive/orgexport-drive-suspended-001/<email>/…, with the bytes
// Vault delivers (Google files converted, a Doc to .docx; the Doc whose
// Drive export is over 10 MB too) and the Drive file's id as its item.
func TestExportsTheSuspendedUsersDriveFiles(t *testing.T) {
	env := connectortest.Start(t, synth.Tiny(11))
	a := vaultAccount(t, env)
	r, err := connectortest.ExportAll(context.Background(), vault.New(env.Factory, fast), a, nil)
	if err != nil {
		t.Fatal(err)
	}
	connectortest.Check(t, env.Truth(a, export.Vault), r, a)

	org := env.Server.Org()
	entries := map[string]*connectortest.Entry{}
	for _, e := range r.Entries() {
		if e.ItemID != "" {
			entries[e.ItemID] = e
		}
	}
	n := 0
	for _, u := range org.Users() {
		if !org.SuspendedDrive(u.Index) {
			continue
		}
		for _, f := range org.VaultDriveFiles(u.Index) {
			n++
			e := entries[f.ID]
			if e == nil {
				t.Errorf("%s's file %s (%s) is not in the archive", u.Email, f.ID, f.Name)
				continue
			}
			if dir := "Vault/Drive/orgexport-drive-suspended-001/" + u.Email; path.Dir(e.Path) != dir {
				t.Errorf("%s is at %s, want in %s/", f.ID, e.Path, dir)
			}
			h := sha256.New()
			if _, err := org.WriteVaultDrive(h, f); err != nil {
				t.Fatal(err)
			}
			if e.SHA256() != hex.EncodeToString(h.Sum(nil)) {
				t.Errorf("%s (%s): the archive's bytes are not the file's", f.ID, f.Name)
			}
			if f.MimeType == synth.MimeDoc && !strings.HasSuffix(e.Path, ".docx") {
				t.Errorf("Doc %s is %s, want a .docx", f.ID, e.Path)
			}
		}
	}
	if n == 0 {
		t.Fatal("the organisation has no suspended user whose Drive Vault exports")
	}
	for _, e := range r.Entries() {
		if strings.HasSuffix(e.Path, "-DRIVE-1.zip") && strings.Contains(e.Path, "suspended") {
			t.Errorf("%s: the Vault zip is copied whole, besides its files", e.Path)
		}
	}
}

// A file of the Drive zip whose bytes differ from what Vault's metadata
// lists is reported failed, with the reason, and left out; the others are
// exported.
func TestCorruptDriveZipIsReportedPerFile(t *testing.T) {
	env := connectortest.Start(t, synth.Tiny(12))
	a := vaultAccount(t, env)
	c := vault.New(env.Factory, fast)
	first := &connectortest.Emitter{Cut: func(_ int, cursor string) bool { return strings.Contains(cursor, `"copy"`) }}
	if err := c.Export(context.Background(), a, "", first); !errors.Is(err, connector.ErrCut) {
		t.Fatalf("err = %v, want a cut before copying", err)
	}
	svc, err := env.Factory.Vault(context.Background(), a.Subject)
	if err != nil {
		t.Fatal(err)
	}
	matters, err := svc.Matters.List().State("OPEN").Do()
	if err != nil {
		t.Fatal(err)
	}
	var driveZip string
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
				if x.Name == "orgexport-drive-suspended-001" && strings.HasSuffix(f.ObjectName, ".zip") {
					driveZip = f.ObjectName
				}
			}
		}
	}
	if driveZip == "" {
		t.Fatal("no Drive zip of suspended accounts among the matter's exports")
	}
	// One byte changed in the middle of the zip: one file's bytes.
	env.SetFaults(t, emulator.Faults{CorruptObjects: []string{driveZip}})
	r := &connectortest.Result{Parts: []*connectortest.Emitter{first}}
	rest, err := connectortest.ExportAllFrom(context.Background(), c, a, first.Checkpoints[len(first.Checkpoints)-1], nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Parts = append(r.Parts, rest.Parts...)
	items := r.Items()
	failed, exported := 0, 0
	for _, it := range env.Truth(a, export.Vault) {
		if !strings.HasPrefix(it.Note, "Drive file of ") {
			continue
		}
		var why string
		for _, f := range r.Failures() {
			if f.ItemID == it.ItemID {
				why = f.Reason
			}
		}
		switch {
		case why != "" && items[it.ItemID] == 0:
			failed++
		case why == "" && items[it.ItemID] == 1:
			exported++
		default:
			t.Errorf("%s (%s): exported %d times, failure %q", it.ItemID, it.Name, items[it.ItemID], why)
		}
	}
	if failed == 0 || exported == 0 {
		t.Errorf("%d of the suspended user's files failed and %d were exported; want the damaged one failed, the others exported", failed, exported)
	}
}
