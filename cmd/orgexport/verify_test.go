package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgexport/orgexport/shared/manifest"
)

const (
	alice1 = "users/alice@example.com/alice@example.com-001.zip"
	alice2 = "users/alice@example.com/alice@example.com-002.zip"
	bob1   = "users/bob@example.com/bob@example.com-001.zip"
)

// Each kind of damage is found, named, and fails verify with exit 1.
func TestVerifyFindsEachCorruption(t *testing.T) {
	f := bucket(t)
	clean := download(t, f)
	cases := []struct {
		name   string
		damage func(t *testing.T, dir string)
		want   []string // lines verify must print
	}{
		{"bit flip", func(t *testing.T, dir string) { flipBit(t, filepath.Join(dir, alice2), f.big/2) },
			[]string{alice2 + ": altered: CRC32C"}},
		{"truncation", func(t *testing.T, dir string) { truncate(t, filepath.Join(dir, bob1), 1000) },
			[]string{bob1 + ": truncated: 1000 bytes"}},
		{"missing part", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, alice1)) },
			[]string{alice1 + ": missing"}},
		{"extra file", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "users", "alice@example.com", "notes.txt"), []byte("mine"), 0o644)
		}, []string{"users/alice@example.com/notes.txt: extra file"}},
		{"edited report", func(t *testing.T, dir string) { editReport(t, dir, false) },
			[]string{"report.json: altered"}},
		{"edited report with its manifest entry forged", func(t *testing.T, dir string) { editReport(t, dir, true) },
			[]string{"report.json: account alice@example.com: Gmail exported 6 in the report, 5 in the indexes",
				"report.json: totals: exported is"}},
		{"entry damaged, manifest forged", func(t *testing.T, dir string) {
			p := filepath.Join(dir, bob1)
			b, _ := os.ReadFile(p)
			i := bytes.Index(b, []byte("BEGIN:VCALENDAR")) // stored? no: deflated; damage the payload after the header
			if i < 0 {
				i = 40
			}
			b[i+2] ^= 0x20
			os.WriteFile(p, b, 0o644)
			forge(t, dir, bob1)
		}, []string{bob1 + ": entry "}},
		{"index without an entry, manifest forged", func(t *testing.T, dir string) {
			idx := strings.TrimSuffix(alice1, ".zip") + ".index.ndjson"
			p := filepath.Join(dir, idx)
			b, _ := os.ReadFile(p)
			var kept []string
			for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
				if !strings.Contains(l, `"path":"Drive/notes.txt"`) {
					kept = append(kept, l)
				}
			}
			os.WriteFile(p, []byte(strings.Join(kept, "\n")+"\n"), 0o644)
			forge(t, dir, idx)
		}, []string{alice1 + `: entry "Drive/notes.txt" is not in the index`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := copyDir(t, clean)
			c.damage(t, dir)
			r := cli(testCtx(t), t, "verify", dir)
			t.Logf("verify:\n%s", r.stdout)
			if r.code != exitVerify {
				t.Fatalf("want exit 1, got %v", r)
			}
			for _, w := range c.want {
				if !hasLine(r.stdout, w) {
					t.Errorf("no line starting %q in:\n%s", w, r.stdout)
				}
			}
		})
	}
}

func hasLine(out, prefix string) bool {
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, prefix) {
			return true
		}
	}
	return false
}

func flipBit(t *testing.T, path string, at int) {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[at] ^= 1
	os.WriteFile(path, b, 0o644)
}

func truncate(t *testing.T, path string, size int64) {
	if err := os.Truncate(path, size); err != nil {
		t.Fatal(err)
	}
}

// editReport counts one more Gmail message for alice; forged also fixes
// report.json's manifest entry, as someone covering their tracks would.
func editReport(t *testing.T, dir string, forged bool) {
	p := filepath.Join(dir, "report.json")
	b, _ := os.ReadFile(p)
	s := string(b)
	i := strings.Index(s, `"id":"alice@example.com"`)
	j := strings.Index(s[i:], `{"product":"Gmail","exported":5`)
	if i < 0 || j < 0 {
		t.Fatalf("report.json has no Gmail count of 5 for alice:\n%s", s)
	}
	k := i + j + len(`{"product":"Gmail","exported":`)
	s = s[:k] + "6" + s[k+1:]
	os.WriteFile(p, []byte(s), 0o644)
	if forged {
		forge(t, dir, "report.json")
	}
}

// forge rewrites rel's manifest entry to match the file as it is now.
func forge(t *testing.T, dir, rel string) {
	mp := filepath.Join(dir, manifest.Name)
	fh, _ := os.Open(mp)
	m, err := manifest.Read(fh)
	fh.Close()
	if err != nil {
		t.Fatal(err)
	}
	fh, _ = os.Open(filepath.Join(dir, filepath.FromSlash(rel)))
	sum, _ := manifest.File(fh, true)
	fh.Close()
	for i, e := range m.Objects {
		if e.Name == rel {
			m.Objects[i].Size, m.Objects[i].MD5, m.Objects[i].CRC32C = sum.Size, sum.MD5, sum.CRC32C
			if e.SHA256 != "" {
				m.Objects[i].SHA256 = sum.SHA256
			}
		}
	}
	b, _ := json.Marshal(m)
	os.WriteFile(mp, b, 0o644)
}

func copyDir(t *testing.T, src string) string {
	dst := filepath.Join(t.TempDir(), "copy")
	err := filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if fi.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// A zip whose entries try to leave the output folder: each such entry is
// refused and named, nothing lands outside OUT, the honest entry is
// extracted, and verify flags the same entries.
func TestUnpackRefusesHostileEntries(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "archive")
	part := "users/mallory@example.com/mallory@example.com-001.zip"
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, name := range []string{"Drive/ok.txt", "../../escaped.txt", "/etc/orgexport-abs.txt", "Drive/../../../up.txt", `Drive\..\..\win.txt`, "C:/drive.txt"} {
		w, _ := zw.Create(name)
		w.Write([]byte("payload " + name))
	}
	h := &zip.FileHeader{Name: "Drive/link", Method: zip.Store}
	h.SetMode(os.ModeSymlink | 0o777)
	w, _ := zw.CreateHeader(h)
	w.Write([]byte("../../../../etc/passwd"))
	zw.Close()
	os.MkdirAll(filepath.Join(dir, filepath.Dir(part)), 0o755)
	os.WriteFile(filepath.Join(dir, part), b.Bytes(), 0o644)
	sum, _ := manifest.File(bytes.NewReader(b.Bytes()), true)
	m := manifest.Manifest{Version: 1, ExportID: "E-hostile", Objects: []manifest.Entry{{Name: part, Size: sum.Size, MD5: sum.MD5, CRC32C: sum.CRC32C, SHA256: sum.SHA256}}}
	mb, _ := json.Marshal(m)
	os.WriteFile(filepath.Join(dir, manifest.Name), mb, 0o644)

	base := t.TempDir()
	out := filepath.Join(base, "a", "b", "out")
	r := cli(testCtx(t), t, "unpack", dir, out)
	if r.code != exitVerify {
		t.Fatalf("want exit 1 for a hostile archive, got %v", r)
	}
	for _, name := range []string{"../../escaped.txt", "/etc/orgexport-abs.txt", "Drive/../../../up.txt", `Drive\\..\\..\\win.txt`, "C:/drive.txt", "Drive/link"} {
		if !strings.Contains(r.stdout, `refused entry "`+name+`"`) {
			t.Errorf("entry %q not refused by name:\n%s", name, r.stdout)
		}
	}
	if got, err := os.ReadFile(filepath.Join(out, "users", "mallory@example.com", "Drive", "ok.txt")); err != nil || string(got) != "payload Drive/ok.txt" {
		t.Errorf("the honest entry: %q, %v", got, err)
	}
	_ = filepath.Walk(base, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() && !strings.HasPrefix(p, out+string(os.PathSeparator)) {
			t.Errorf("%s was written outside OUT", p)
		}
		if err == nil && fi.Mode()&os.ModeSymlink != 0 {
			t.Errorf("%s is a link", p)
		}
		return nil
	})
	if _, err := os.Stat("/etc/orgexport-abs.txt"); err == nil {
		t.Error("/etc/orgexport-abs.txt was written")
	}
	if r := cli(testCtx(t), t, "verify", dir); r.code != exitVerify || !strings.Contains(r.stdout, "unsafe entry") {
		t.Errorf("verify of the hostile part: %v", r)
	}
}
