package archive

import (
	"archive/zip"
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
)

// file is an entry a test writes and expects back.
type file struct {
	path string
	data []byte
	kind connector.Content
}

// writePart writes files into a new part and returns its bytes and summary.
func writePart(t *testing.T, o Options, files []file) ([]byte, Summary) {
	t.Helper()
	var buf bytes.Buffer
	p, err := New(&buf, o)
	if err != nil {
		t.Fatal(err)
	}
	mod := time.Date(2026, 3, 4, 5, 6, 8, 0, time.UTC)
	for _, f := range files {
		w, err := p.Create(connector.Entry{Path: f.path, Modified: mod, Content: f.kind})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(f.data); err != nil {
			t.Fatal(err)
		}
	}
	sum, err := p.Close()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), sum
}

// saveZip writes b to a temporary file and returns its path.
func saveZip(t *testing.T, b []byte) string {
	t.Helper()
	name := filepath.Join(t.TempDir(), "part.zip")
	if err := os.WriteFile(name, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return name
}

// pythonList is a Python program that tests every entry's CRC and prints
// the names and sizes it sees.
const pythonList = `import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
bad = z.testzip()
if bad is not None:
    sys.exit("bad entry: " + bad)
print(json.dumps([[i.filename, i.file_size] for i in z.infolist()]))`

// checkTools runs unzip -t, 7-Zip and bsdtar (streaming) where installed,
// and Python's zipfile on the zip at name, and returns the [name, size]
// pairs Python lists.
func checkTools(t *testing.T, name string) [][2]any {
	t.Helper()
	for _, tool := range []string{"unzip", "python3"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	if out, err := exec.Command("unzip", "-tqq", name).CombinedOutput(); err != nil {
		t.Fatalf("unzip -t: %v\n%s", err, out)
	}
	if _, err := exec.LookPath("7zz"); err == nil {
		if out, err := exec.Command("7zz", "t", "-bd", name).CombinedOutput(); err != nil {
			t.Fatalf("7-Zip: %v\n%s", err, out)
		}
	}
	if _, err := exec.LookPath("bsdtar"); err == nil {
		// From a pipe, libarchive reads the zip as a stream: local headers
		// and data descriptors, not the central directory.
		cmd := exec.Command("sh", "-c", `cat "$1" | bsdtar -xOf - > /dev/null`, "sh", name)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("bsdtar (streaming): %v\n%s", err, out)
		}
	}
	out, err := exec.Command("python3", "-c", pythonList, name).Output()
	if err != nil {
		t.Fatalf("python zipfile: %v %s", err, out)
	}
	var list [][2]any
	if err := json.Unmarshal(out, &list); err != nil {
		t.Fatal(err)
	}
	return list
}

func TestPartOpensWithStandardTools(t *testing.T) {
	files := []file{
		{"Drive/Notes.txt", bytes.Repeat([]byte("all work and no play\n"), 5000), connector.Compressible},
		{"Drive/Photos/Ålesund 日本 😀.jpg", randomBytes(70_000, 1), connector.Compressed},
		{"Drive/empty.txt", nil, connector.Compressible},
		{"Mail/All mail Including Spam and Trash.mbox", []byte("From x\n\nhi\n"), connector.Compressible},
		{"Google Chat/Groups/Space ∑/messages.json", []byte(`{"messages":[]}`), connector.Compressible},
	}
	b, sum := writePart(t, Options{}, files)
	list := checkTools(t, saveZip(t, b))
	if len(list) != len(files) {
		t.Fatalf("python lists %d entries, want %d", len(list), len(files))
	}
	for i, f := range files {
		if list[i][0] != f.path || list[i][1] != float64(len(f.data)) {
			t.Errorf("entry %d is %v, want %q of %d bytes", i, list[i], f.path, len(f.data))
		}
	}
	checkGoReader(t, b, files)
	if sum.Files[export.Drive] != 3 || sum.Files[export.Gmail] != 1 || sum.Files[export.Chat] != 1 || sum.Entries != 5 {
		t.Errorf("counts: %+v", sum)
	}
	checkDigests(t, b, sum)
}

// checkGoReader reads b with archive/zip and compares the files' contents,
// methods and modification times.
func checkGoReader(t *testing.T, b []byte, files []file) {
	t.Helper()
	r, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.File) != len(files) {
		t.Fatalf("archive/zip reads %d entries, want %d", len(r.File), len(files))
	}
	for i, zf := range r.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		if err != nil {
			t.Fatalf("%s: %v", zf.Name, err)
		}
		want := files[i]
		if zf.Name != want.path || !bytes.Equal(got, want.data) {
			t.Errorf("entry %d: %q with %d bytes, want %q with %d", i, zf.Name, len(got), want.path, len(want.data))
		}
		if stored := want.kind == connector.Compressed; stored != (zf.Method == zip.Store) {
			t.Errorf("%s: method %d", zf.Name, zf.Method)
		}
		if m := zf.Modified.UTC(); !m.Equal(time.Date(2026, 3, 4, 5, 6, 8, 0, time.UTC)) {
			t.Errorf("%s: modified %v", zf.Name, m)
		}
	}
}

func checkDigests(t *testing.T, b []byte, sum Summary) {
	t.Helper()
	s, m := sha256.Sum256(b), md5.Sum(b)
	c := crc32.Checksum(b, crc32.MakeTable(crc32.Castagnoli))
	if sum.Size != int64(len(b)) || !bytes.Equal(sum.SHA256, s[:]) || !bytes.Equal(sum.MD5, m[:]) || sum.CRC32C != c {
		t.Errorf("summary %d bytes sha256 %x md5 %x crc32c %x; part %d bytes %x %x %x",
			sum.Size, sum.SHA256, sum.MD5, sum.CRC32C, len(b), s, m, c)
	}
}

func TestManyEntriesUseZip64(t *testing.T) {
	const n = 70_000 // more than a 16-bit entry count
	files := make([]file, n)
	for i := range files {
		files[i] = file{fmt.Sprintf("Keep/note %05d.txt", i), []byte(fmt.Sprint(i)), connector.Compressed}
	}
	b, sum := writePart(t, Options{}, files)
	if sum.Entries != n || !bytes.Contains(b[len(b)-200:], []byte{0x50, 0x4b, 0x06, 0x06}) {
		t.Fatalf("%d entries; zip64 end record present: %v", sum.Entries, bytes.Contains(b, []byte{0x50, 0x4b, 0x06, 0x06}))
	}
	list := checkTools(t, saveZip(t, b))
	if len(list) != n || list[n-1][0] != files[n-1].path {
		t.Fatalf("python lists %d entries, last %v", len(list), list[len(list)-1])
	}
	r, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil || len(r.File) != n {
		t.Fatalf("archive/zip: %v", err)
	}
}

func randomBytes(n int, seed uint64) []byte {
	b := make([]byte, n)
	x := seed*0x9E3779B97F4A7C15 + 1
	for i := range b {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		b[i] = byte(x)
	}
	return b
}

func TestPartNames(t *testing.T) {
	got := []string{PartName("alice@example.com", 1), PartName("bob", 12), FailuresName("bob", 2), IndexName("a/b", 1000)}
	want := []string{"alice@example.com-001.zip", "bob-012.zip", "bob-002.failures.ndjson", "a_b-1000.index.ndjson"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestSameItemsGiveSameBytes(t *testing.T) {
	files := []file{
		{"Calendar/Work.ics", bytes.Repeat([]byte("BEGIN:VEVENT\r\n"), 300), connector.Compressible},
		{"Drive/photo.jpg", randomBytes(10_000, 9), connector.Compressed},
	}
	a, sa := writePart(t, Options{}, files)
	b, sb := writePart(t, Options{}, files)
	if !bytes.Equal(a, b) || !bytes.Equal(sa.SHA256, sb.SHA256) {
		t.Error("two writes of the same items differ")
	}
}
