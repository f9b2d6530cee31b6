package archive

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/zipname"
)

func newPart(t *testing.T, w io.Writer, o Options) *PartWriter {
	t.Helper()
	p, err := New(w, o)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func create(t *testing.T, p *PartWriter, e connector.Entry, data string) {
	t.Helper()
	w, err := p.Create(e)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(w, data); err != nil {
		t.Fatal(err)
	}
}

// entries reads the names and contents of a zip's entries.
func entries(t *testing.T, b []byte) map[string]string {
	t.Helper()
	r, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range r.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		out[f.Name] = string(data)
	}
	return out
}

func TestFailOfSingleItemEntryLeavesItOut(t *testing.T) {
	var buf, failures, index bytes.Buffer
	p := newPart(t, &buf, Options{Failures: &failures, Index: &index})
	create(t, p, connector.Entry{Path: "Drive/a.txt", ItemID: "A"}, "alpha")
	w, err := p.Create(connector.Entry{Path: "Drive/b.bin", ItemID: "B", Content: connector.Compressed})
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, strings.Repeat("half of b ", 1000))
	p.Fail(connector.Failure{Product: export.Drive, ItemID: "B", Path: "Drive/b.bin", Reason: "download interrupted"})
	if _, err := w.Write([]byte("more")); err == nil {
		t.Error("writing to a failed entry succeeded")
	}
	// The failed name is free again, for a retry of the same item.
	create(t, p, connector.Entry{Path: "Drive/b.bin", ItemID: "B"}, "bravo")
	create(t, p, connector.Entry{Path: "Drive/d.txt", ItemID: "D"}, strings.Repeat("deflated, then failed ", 3000))
	p.Fail(connector.Failure{Product: export.Drive, ItemID: "D", Reason: "quota"})
	create(t, p, connector.Entry{Path: "Drive/c.txt", ItemID: "C"}, "charlie")
	sum, err := p.Close()
	if err != nil {
		t.Fatal(err)
	}
	got := entries(t, buf.Bytes())
	if len(got) != 3 || got["Drive/a.txt"] != "alpha" || got["Drive/b.bin"] != "bravo" || got["Drive/c.txt"] != "charlie" {
		t.Errorf("entries %v", got)
	}
	checkTools(t, saveZip(t, buf.Bytes()))
	if sum.Files[export.Drive] != 3 || sum.Items[export.Drive] != 3 || sum.Failed[export.Drive] != 2 {
		t.Errorf("summary %+v", sum)
	}
	var fs []connector.Failure
	if err := ReadFailures(&failures, func(f connector.Failure) error { fs = append(fs, f); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(fs) != 2 || fs[0].ItemID != "B" || fs[0].Reason != "download interrupted" || fs[1].ItemID != "D" {
		t.Errorf("failures %+v", fs)
	}
	var paths []string
	ReadIndex(&index, func(r IndexRecord) error { paths = append(paths, r.Path+"="+r.ItemID); return nil })
	if strings.Join(paths, " ") != "Drive/a.txt=A Drive/b.bin=B Drive/c.txt=C" {
		t.Errorf("index %v", paths)
	}
}

func TestFailOfOneItemInMultiItemEntryKeepsIt(t *testing.T) {
	var buf bytes.Buffer
	p := newPart(t, &buf, Options{})
	create(t, p, connector.Entry{Path: "Mail/All mail.mbox"}, "From a\n\nm1\n")
	p.Item("m1")
	p.Fail(connector.Failure{Product: export.Gmail, ItemID: "m2", Path: "Mail/All mail.mbox", Reason: "404"})
	sum, err := p.Close()
	if err != nil {
		t.Fatal(err)
	}
	if got := entries(t, buf.Bytes()); got["Mail/All mail.mbox"] != "From a\n\nm1\n" {
		t.Errorf("entries %v", got)
	}
	idx := p.Index()
	if len(idx) != 2 || idx[0] != (IndexRecord{Kind: KindItem, Path: "Mail/All mail.mbox", ItemID: "m1"}) || idx[1].Kind != KindEntry || idx[1].Size != 11 {
		t.Errorf("index %+v", idx)
	}
	if sum.Items[export.Gmail] != 1 || sum.Failed[export.Gmail] != 1 || len(p.Failures()) != 1 {
		t.Errorf("summary %+v, failures %v", sum, p.Failures())
	}
}

func TestCreateRejectsUnsafeAndDuplicatePaths(t *testing.T) {
	p := newPart(t, io.Discard, Options{})
	for _, path := range []string{"../x", "/etc/passwd", `Drive\x`, "Drive/CON", "Drive/a\x00"} {
		if _, err := p.Create(connector.Entry{Path: path}); !errors.Is(err, zipname.ErrInvalid) {
			t.Errorf("Create(%q) = %v", path, err)
		}
	}
	create(t, p, connector.Entry{Path: "Drive/Report.pdf"}, "x")
	create(t, p, connector.Entry{Path: "Drive/Folder/x.txt"}, "x")
	for _, path := range []string{"Drive/Report.pdf", "Drive/REPORT.PDF", "Drive/Folder", "Drive/Report.pdf/x"} {
		if _, err := p.Create(connector.Entry{Path: path}); !errors.Is(err, ErrDuplicate) {
			t.Errorf("Create(%q) = %v, want ErrDuplicate", path, err)
		}
	}
	if _, err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Create(connector.Entry{Path: "Drive/late"}); !errors.Is(err, ErrClosed) {
		t.Errorf("Create after Close = %v", err)
	}
}

// items is a connector over n numbered items that checkpoints after each.
type items struct {
	n    int
	size func(i int) int
}

func (c items) Export(ctx context.Context, cursor string, e connector.Emitter) error {
	start := 0
	if cursor != "" {
		start, _ = strconv.Atoi(cursor)
	}
	for i := start; i < c.n; i++ {
		w, err := e.Create(connector.Entry{Path: fmt.Sprintf("Drive/item %04d.txt", i), ItemID: strconv.Itoa(i)})
		if err != nil {
			return err
		}
		io.WriteString(w, strings.Repeat(strconv.Itoa(i)+" ", c.size(i)))
		if err := e.Checkpoint(ctx, strconv.Itoa(i+1)); err != nil {
			return err
		}
	}
	return nil
}

// exportParts runs c to the end over as many parts as it takes.
func exportParts(t *testing.T, c items, o func(part int) Options) [][]byte {
	t.Helper()
	var parts [][]byte
	cursor := ""
	for n := 1; ; n++ {
		var buf bytes.Buffer
		opts := o(n)
		opts.Part = n
		p := newPart(t, &buf, opts)
		err := c.Export(context.Background(), cursor, p)
		sum, cerr := p.Close()
		if cerr != nil {
			t.Fatal(cerr)
		}
		parts = append(parts, buf.Bytes())
		if err == nil {
			return parts
		}
		if !errors.Is(err, connector.ErrCut) || !sum.Cut || sum.Part != n {
			t.Fatalf("part %d: %v, summary %+v", n, err, sum)
		}
		if n > c.n {
			t.Fatal("no progress")
		}
		cursor = sum.Cursor
	}
}

func TestCutPartsHoldEveryItemOnce(t *testing.T) {
	c := items{n: 300, size: func(i int) int { return 100 + i*37%2000 }}
	parts := exportParts(t, c, func(int) Options { return Options{PartSize: 8 << 10} })
	if len(parts) < 3 {
		t.Fatalf("%d parts; the test wants several", len(parts))
	}
	seen := map[string]int{}
	for i, b := range parts {
		checkTools(t, saveZip(t, b))
		for name, data := range entries(t, b) {
			seen[name]++
			var n int
			fmt.Sscanf(name, "Drive/item %d.txt", &n)
			if data != strings.Repeat(strconv.Itoa(n)+" ", c.size(n)) {
				t.Errorf("part %d: %s has the wrong content", i+1, name)
			}
		}
	}
	for i := range c.n {
		if name := fmt.Sprintf("Drive/item %04d.txt", i); seen[name] != 1 {
			t.Errorf("%s is in %d parts", name, seen[name])
		}
	}
	if len(seen) != c.n {
		t.Errorf("%d distinct entries, want %d", len(seen), c.n)
	}
}

func TestCutAtDeadline(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := start
	c := items{n: 10, size: func(int) int { return 10 }}
	clock := func() time.Time { now = now.Add(time.Minute); return now } // each checkpoint takes a minute
	parts := exportParts(t, c, func(int) Options {
		return Options{Now: clock, Deadline: now.Add(3*time.Minute + time.Second)}
	})
	var counts []int
	for _, b := range parts {
		counts = append(counts, len(entries(t, b)))
	}
	if fmt.Sprint(counts) != "[4 4 2]" {
		t.Errorf("entries per part %v, want [4 4 2]", counts)
	}
}

func TestCheckpointStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p := newPart(t, io.Discard, Options{})
	create(t, p, connector.Entry{Path: "Tasks/x.json"}, "{}")
	if err := p.Checkpoint(ctx, "1"); !errors.Is(err, context.Canceled) {
		t.Errorf("Checkpoint = %v", err)
	}
}

// brokenSink fails after limit bytes.
type brokenSink struct{ limit int }

func (s *brokenSink) Write(p []byte) (int, error) {
	if len(p) > s.limit {
		return 0, errors.New("connection reset")
	}
	s.limit -= len(p)
	return len(p), nil
}

func TestSinkErrorSurfaces(t *testing.T) {
	p := newPart(t, &brokenSink{limit: 1000}, Options{})
	w, err := p.Create(connector.Entry{Path: "Drive/big.bin", Content: connector.Compressed})
	if err != nil {
		t.Fatal(err)
	}
	var werr error
	for i := 0; i < 100 && werr == nil; i++ {
		_, werr = w.Write(randomBytes(64<<10, uint64(i)))
	}
	if werr == nil || !strings.Contains(werr.Error(), "connection reset") {
		t.Fatalf("write error %v", werr)
	}
	if err := p.Checkpoint(context.Background(), "x"); err == nil {
		t.Error("Checkpoint after a sink error succeeded")
	}
	if _, err := p.Close(); err == nil {
		t.Error("Close after a sink error succeeded")
	}
}

// A part of many small files is cut when its central directory (held in
// memory until Close) reaches Options.MaxDirectory, as one is cut at
// PartSize: an account of a million files takes bounded memory.
func TestCutAtDirectorySize(t *testing.T) {
	var buf bytes.Buffer
	p := newPart(t, &buf, Options{MaxDirectory: 4 << 10})
	cut := -1
	for i := range 1000 {
		create(t, p, connector.Entry{Path: fmt.Sprintf("Drive/file %04d.txt", i), ItemID: strconv.Itoa(i)}, "x")
		if err := p.Checkpoint(context.Background(), strconv.Itoa(i)); errors.Is(err, connector.ErrCut) {
			cut = i
			break
		} else if err != nil {
			t.Fatal(err)
		}
	}
	sum, err := p.Close()
	if err != nil {
		t.Fatal(err)
	}
	// Each record is 46 bytes and a 19-byte name; at the checkpoint after
	// file i, the directory holds files 0 to i-1.
	if cut < 0 || sum.Entries != int64(cut+1) || cut != (4<<10+64)/65 || len(entries(t, buf.Bytes())) != cut+1 {
		t.Fatalf("cut after file %d, %d entries; want a cut at the first checkpoint with 4 KiB of directory", cut, sum.Entries)
	}
}
