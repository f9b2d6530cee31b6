package archive

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/zipname"
)

// FuzzPartRoundTrip writes entries named by the fuzzer (one per line of
// names, sanitised with zipname.Join) with the fuzzer's content, fails some,
// and checks that archive/zip reads back exactly the entries kept.
func FuzzPartRoundTrip(f *testing.F) {
	f.Add("a\nb/c\nA\n日本\n..", []byte("hello"), int64(1_700_000_000), uint8(0b101))
	f.Add("x\x00y\n\u202Ez", []byte{}, int64(-5), uint8(0xff))
	f.Fuzz(func(t *testing.T, names string, data []byte, unix int64, mask uint8) {
		var buf bytes.Buffer
		p, _ := New(&buf, Options{})
		mod := time.Unix(unix%(1<<32), 0)
		want := map[string][]byte{}
		for i, n := range strings.Split(names, "\n") {
			path := zipname.Join("Drive", n)
			kind := connector.Content(i % 2)
			w, err := p.Create(connector.Entry{Path: path, Modified: mod, Content: kind, ItemID: path})
			if errors.Is(err, ErrDuplicate) {
				continue
			}
			if err != nil {
				t.Fatalf("Create(%q): %v", path, err)
			}
			content := append(bytes.Repeat(data, i%3), byte(i))
			w.Write(content)
			if mask&(1<<(i%8)) != 0 {
				p.Fail(connector.Failure{Product: export.Drive, ItemID: path, Reason: "fuzz"})
				continue
			}
			want[path] = content
		}
		if _, err := p.Close(); err != nil {
			t.Fatal(err)
		}
		r, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		if len(r.File) != len(want) {
			t.Fatalf("%d entries, want %d", len(r.File), len(want))
		}
		for _, zf := range r.File {
			rc, err := zf.Open()
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(rc)
			if err != nil || !bytes.Equal(got, want[zf.Name]) {
				t.Fatalf("%q: %v, content %q, want %q", zf.Name, err, got, want[zf.Name])
			}
		}
	})
}
