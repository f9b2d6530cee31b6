package pipeline_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/orgexport/orgexport/shared/blob"
	"github.com/orgexport/orgexport/shared/events"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/notify"
	"github.com/orgexport/orgexport/shared/pipeline"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// manifestOf exports one account of three files in two parts on a fixed
// clock, assembles the export and returns manifest.json.
func manifestOf(t *testing.T) ([]byte, *blob.Memory) {
	t.Helper()
	conn := &numbered{n: 3, size: 700, crashAt: -1}
	p, rec, st, bucket, _ := setup(t, conn, 1500)
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	p.Now = func() time.Time { return at }
	if _, err := st.Update(context.Background(), "c1", "e1", func(e *export.Export) ([]export.AuditEntry, error) {
		e.RequestedAt, e.HoldEnd, e.StartedAt = at.Add(-time.Hour), at.Add(-time.Hour), at.Add(-time.Hour)
		return nil, nil
	}); err != nil {
		t.Fatal(err)
	}
	run(t, p, rec, conn)
	p.Requesters, p.Mail = stillAdmin{}, &notify.Outbox{Mailer: &mailCount{}, Store: st}
	if err := p.Assemble(context.Background(), events.Event{CustomerID: "c1", ExportID: "e1"}); err != nil {
		t.Fatal(err)
	}
	r, err := bucket.NewReader(context.Background(), "c1/e1/manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b, bucket
}

// reportLine is a report's line in manifest.json: the report has golden
// files of its own (shared/report/testdata), so its sizes and checksums
// are left out of this one.
var reportLine = regexp.MustCompile(`(\{"name":"report\.(?:html|json)"),"size":\d+,"md5":"[0-9a-f]+","crc32c":"[0-9a-f]+"\}`)

// manifest.json of a known export is byte for byte the golden file: its
// layout, the objects it lists, in order, and the parts' sizes and
// checksums (go test -update rewrites it).
func TestManifestGolden(t *testing.T) {
	got, _ := manifestOf(t)
	got = reportLine.ReplaceAll(got, []byte(`$1,"size":0,"md5":"see the report's golden files","crc32c":""}`))
	path := filepath.Join("testdata", "manifest.json.golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("manifest.json differs from %s; run go test -update and review the diff:\n%s", path, got)
	}
}

// Every object of the export but the manifest itself is listed once, with
// the size and checksums of its bytes, so a download can be verified with
// it (R8d).
func TestManifestVerifiesTheArchive(t *testing.T) {
	b, bucket := manifestOf(t)
	var m struct {
		Version    int                      `json:"version"`
		CustomerID string                   `json:"customer_id"`
		ExportID   string                   `json:"export_id"`
		Objects    []pipeline.ManifestEntry `json:"objects"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("manifest.json is not JSON: %v\n%s", err, b)
	}
	if m.Version != 1 || m.CustomerID != "c1" || m.ExportID != "e1" {
		t.Errorf("manifest header %d %q %q", m.Version, m.CustomerID, m.ExportID)
	}
	listed := map[string]pipeline.ManifestEntry{}
	for _, o := range m.Objects {
		listed[o.Name] = o
	}
	if len(listed) != len(m.Objects) {
		t.Errorf("%d objects listed, %d names", len(m.Objects), len(listed))
	}
	parts := 0
	for o, err := range bucket.List(context.Background(), "c1/e1/") {
		if err != nil {
			t.Fatal(err)
		}
		rel := o.Name[len("c1/e1/"):]
		if rel == "manifest.json" {
			continue
		}
		e, ok := listed[rel]
		if !ok {
			t.Errorf("%s is not in the manifest", rel)
			continue
		}
		delete(listed, rel)
		data := read(t, bucket, o.Name)
		md, sh := md5.Sum(data), sha256.Sum256(data)
		if e.Size != int64(len(data)) || e.MD5 != hex.EncodeToString(md[:]) ||
			e.CRC32C != fmt.Sprintf("%08x", crc32.Checksum(data, crc32.MakeTable(crc32.Castagnoli))) {
			t.Errorf("%s: manifest says %+v, the object has %d bytes", rel, e, len(data))
		}
		if filepath.Ext(rel) == ".zip" {
			parts++
			if e.SHA256 != hex.EncodeToString(sh[:]) {
				t.Errorf("%s: SHA-256 %q, want %x", rel, e.SHA256, sh)
			}
		}
	}
	for name := range listed {
		t.Errorf("the manifest lists %s, which is not in the archive", name)
	}
	if parts != 2 {
		t.Errorf("%d parts, want 2 (the fixture is cut at 1,500 bytes)", parts)
	}
}

func read(t *testing.T, bucket *blob.Memory, name string) []byte {
	t.Helper()
	r, err := bucket.NewReader(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
