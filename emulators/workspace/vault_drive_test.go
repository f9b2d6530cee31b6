package workspace_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"io"
	"path"
	"strings"
	"testing"

	vault "google.golang.org/api/vault/v1"

	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

// driveDoc is a Document of a Drive export's metadata.
type driveDoc struct {
	DocID    string `xml:"DocID,attr"`
	DocType  string `xml:"DocType,attr"`
	MimeType string `xml:"MimeType,attr"`
	Tags     []struct {
		Name  string `xml:"TagName,attr"`
		Value string `xml:"TagValue,attr"`
	} `xml:"Tags>Tag"`
	File struct {
		Path string `xml:"FilePath,attr"`
		Name string `xml:"FileName,attr"`
		Size int64  `xml:"FileSize,attr"`
		Hash string `xml:"Hash,attr"`
	} `xml:"Files>File>ExternalFile"`
}

// A DRIVE export of a suspended account gives the files it owns, which
// Drive itself will not serve it: binary files as they are, Google files
// converted (a Doc to .docx), in a folder named after the account, each
// listed in the metadata with its Drive id and the SHA-256 of the bytes
// delivered, which are the Vault account's truth.
func TestVaultDriveExportOfASuspendedAccount(t *testing.T) {
	t.Parallel()
	s, _ := startVault(t, synth.Tiny(7), workspace.Faults{})
	org := s.Org()
	var sus synth.User
	for _, u := range org.Users() {
		if org.SuspendedDrive(u.Index) {
			sus = u
			break
		}
	}
	if sus.Email == "" {
		t.Fatal("the organisation has no suspended user whose Drive Vault exports")
	}
	v, st := vaultClients(t, s, "admin@example.com")
	m := newMatter(t, v, "Suspended Drive")
	q := &vault.Query{Corpus: "DRIVE", DataScope: "ALL_DATA", Method: "ACCOUNT", AccountInfo: &vault.AccountInfo{Emails: []string{sus.Email}},
		DriveOptions: &vault.DriveOptions{IncludeSharedDrives: false}}
	e := runExport(t, v, m.MatterId, "drive of "+sus.Email, q)
	if e.Status != "COMPLETED" || e.CloudStorageSink == nil || len(e.CloudStorageSink.Files) != 2 {
		t.Fatalf("export %+v", e)
	}
	truth := map[string]synth.TruthItem{}
	for it := range s.Truth("vault") {
		if strings.HasPrefix(it.Note, "Drive file of suspended account "+sus.Email) {
			truth[it.ItemID] = it
		}
	}
	if len(truth) == 0 {
		t.Fatal("the Vault account's truth has none of the suspended user's Drive files")
	}
	sums := map[string]string{} // zip entry name → sha256
	var docs []driveDoc
	for _, f := range e.CloudStorageSink.Files {
		b := download(t, st, f)
		switch {
		case strings.HasSuffix(f.ObjectName, "-DRIVE-1.zip"):
			zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatal(err)
			}
			for _, zf := range zr.File {
				rc, err := zf.Open()
				if err != nil {
					t.Fatal(err)
				}
				h := sha256.New()
				_, err = io.Copy(h, rc)
				rc.Close()
				if err != nil {
					t.Fatalf("%s: %v", zf.Name, err)
				}
				sums[zf.Name] = hex.EncodeToString(h.Sum(nil))
			}
		case strings.HasSuffix(f.ObjectName, "-DRIVE-metadata.xml"):
			var meta struct {
				Docs []driveDoc `xml:"Batch>Documents>Document"`
			}
			if err := xml.Unmarshal(b, &meta); err != nil {
				t.Fatalf("metadata: %v", err)
			}
			docs = meta.Docs
		default:
			t.Errorf("unexpected file %s", f.ObjectName)
		}
	}
	if len(docs) != len(truth) || len(sums) != len(truth) {
		t.Fatalf("%d documents and %d zip entries, want the %d files the user owns", len(docs), len(sums), len(truth))
	}
	converted := false
	for _, d := range docs {
		it, ok := truth[d.DocID]
		if !ok {
			t.Errorf("document %s (%s) is not a file the suspended user owns", d.DocID, d.File.Name)
			continue
		}
		name := d.File.Path + "/" + d.File.Name
		if d.File.Path != sus.Email || sums[name] != it.SHA256 || d.File.Hash != it.SHA256 || d.File.Size != it.Size || d.DocType != "File" {
			t.Errorf("%s (%s): %+v, zip sha %s; truth %+v", d.DocID, it.Name, d, sums[name], it)
		}
		if f, _ := org.FileByID(d.DocID); f.MimeType == synth.MimeDoc {
			converted = true
			if path.Ext(d.File.Name) != ".docx" || d.MimeType != synth.MimeDocx {
				t.Errorf("Doc %s delivered as %s %s, want .docx", d.DocID, d.File.Name, d.MimeType)
			}
		}
	}
	if !converted {
		t.Error("no Google Doc among the exported files")
	}
	if e.Stats == nil || e.Stats.ExportedArtifactCount != int64(len(truth)) {
		t.Errorf("stats %+v, want %d artifacts", e.Stats, len(truth))
	}
}

// Options of one corpus are refused with another, and Drive's options
// are checked.
func TestVaultRefusesOptionsOfAnotherCorpus(t *testing.T) {
	t.Parallel()
	s, _ := startVault(t, synth.Tiny(8), workspace.Faults{})
	v, _ := vaultClients(t, s, "admin@example.com")
	m := newMatter(t, v, "Options")
	drive := func(o *vault.DriveOptions) *vault.Query {
		return &vault.Query{Corpus: "DRIVE", DataScope: "ALL_DATA", Method: "ENTIRE_ORG", DriveOptions: o}
	}
	for _, c := range []struct {
		e    vault.Export
		want string
	}{
		{vault.Export{Name: "a", Query: &vault.Query{Corpus: "MAIL", Method: "ENTIRE_ORG", DriveOptions: &vault.DriveOptions{IncludeSharedDrives: true}}}, "query.driveOptions"},
		{vault.Export{Name: "b", Query: drive(nil), ExportOptions: &vault.ExportOptions{MailOptions: &vault.MailExportOptions{ExportFormat: "MBOX"}}}, "exportOptions.mailOptions"},
		{vault.Export{Name: "c", Query: mailQuery("ENTIRE_ORG"), ExportOptions: &vault.ExportOptions{DriveOptions: &vault.DriveExportOptions{IncludeAccessInfo: true}}}, "exportOptions.driveOptions"},
		{vault.Export{Name: "d", Query: drive(&vault.DriveOptions{VersionDate: "last week"})}, "versionDate"},
		{vault.Export{Name: "e", Query: drive(&vault.DriveOptions{SharedDrivesOption: "SOMETIMES"})}, "sharedDrivesOption"},
	} {
		_, err := v.Matters.Exports.Create(m.MatterId, &c.e).Do()
		wantStatus(t, err, 400, "INVALID_ARGUMENT", c.want)
	}
	if _, err := v.Matters.Exports.Create(m.MatterId, &vault.Export{Name: "ok", Query: drive(&vault.DriveOptions{SharedDrivesOption: "INCLUDED", VersionDate: "2026-01-01T00:00:00Z"}),
		ExportOptions: &vault.ExportOptions{DriveOptions: &vault.DriveExportOptions{IncludeAccessInfo: true}, Region: "US"}}).Do(); err != nil {
		t.Fatal(err)
	}
}
