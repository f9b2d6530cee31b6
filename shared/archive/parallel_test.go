package archive

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"reflect"
	"runtime"
	"strconv"
	"testing"

	"github.com/orgexport/orgexport/shared/archive/internal/synth"
	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
)

// TestWithWorkers runs the package's tests of what a part holds again
// with entries deflated in parallel.
func TestWithWorkers(t *testing.T) {
	defer func(w int) { testWorkers = w }(testWorkers)
	testWorkers = 3
	for name, test := range map[string]func(*testing.T){
		"EntryNoteIsInTheIndex":            TestEntryNoteIsInTheIndex,
		"FailOfSingleItemEntryLeavesItOut": TestFailOfSingleItemEntryLeavesItOut,
		"FailOfOneItemInMultiItemEntry":    TestFailOfOneItemInMultiItemEntryKeepsIt,
		"CreateRejectsUnsafePaths":         TestCreateRejectsUnsafeAndDuplicatePaths,
		"CutPartsHoldEveryItemOnce":        TestCutPartsHoldEveryItemOnce,
		"CutAtDeadline":                    TestCutAtDeadline,
		"CheckpointStopsWhenCancelled":     TestCheckpointStopsWhenCancelled,
		"SinkErrorSurfaces":                TestSinkErrorSurfaces,
		"PartOpensWithStandardTools":       TestPartOpensWithStandardTools,
		"ManyEntriesUseZip64":              TestManyEntriesUseZip64,
		"SameItemsGiveSameBytes":           TestSameItemsGiveSameBytes,
		"CutAtDirectorySize":               TestCutAtDirectorySize,
	} {
		t.Run(name, test)
	}
}

// account writes a mix into p: small mails with items, a long text entry
// of several chunks, a long stored one, an entry that fails and is left
// out, and checkpoints.
func account(t *testing.T, p *PartWriter) {
	t.Helper()
	text := synth.Pool(synth.Text(4<<20, 7))
	for i := range 300 {
		e := connector.Entry{Path: fmt.Sprintf("Mail/m%03d.eml", i), ItemID: "m" + strconv.Itoa(i)}
		if i%3 == 0 {
			e.ItemID = ""
		}
		create(t, p, e, string(text.File(i, 100+i*97%20000)))
		if e.ItemID == "" {
			p.Item("in-" + strconv.Itoa(i))
		}
		if i == 150 {
			w, _ := p.Create(connector.Entry{Path: "Drive/big.txt", ItemID: "big"})
			for k := range 7 {
				w.Write(text.File(1000+k, 700<<10)) // 4.8 MiB over chunk boundaries
			}
			w, _ = p.Create(connector.Entry{Path: "Drive/video.mp4", ItemID: "video", Content: connector.Compressed})
			w.Write(randomBytes(3<<20+5, 9))
			w, _ = p.Create(connector.Entry{Path: "Drive/broken.bin", ItemID: "broken"})
			w.Write(text.File(2000, 1<<20+3))
			p.Fail(connector.Failure{Product: export.Drive, ItemID: "broken", Reason: "download broke"})
		}
		if i%40 == 39 {
			if err := p.Checkpoint(context.Background(), strconv.Itoa(i)); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// Deflating in parallel changes the compressed bytes, not what a reader
// gets: the same entries with the same content and CRC-32, the same index
// in the same order, the same counts; and the zip is checked by Go's
// reader (every entry's CRC) and by the standard tools.
func TestParallelHoldsWhatSerialHolds(t *testing.T) {
	write := func(workers int) ([]byte, []IndexRecord, Summary) {
		var buf bytes.Buffer
		p := newPart(t, &buf, Options{Workers: workers})
		account(t, p)
		sum, err := p.Close()
		if err != nil {
			t.Fatal(err)
		}
		return buf.Bytes(), p.Index(), sum
	}
	zs, is, ss := write(1)
	zp, ip, sp := write(4)
	if !reflect.DeepEqual(entries(t, zs), entries(t, zp)) {
		t.Fatal("the parallel part holds other entries or content")
	}
	if !reflect.DeepEqual(is, ip) {
		t.Fatalf("index differs:\nserial   %v\nparallel %v", is, ip)
	}
	if ss.Entries != sp.Entries || !reflect.DeepEqual(ss.Items, sp.Items) || !reflect.DeepEqual(ss.Files, sp.Files) ||
		!reflect.DeepEqual(ss.Failed, sp.Failed) || ss.Cursor != sp.Cursor {
		t.Fatalf("summary differs: serial %+v, parallel %+v", ss, sp)
	}
	checkDigests(t, zp, sp)
	r, _ := zip.NewReader(bytes.NewReader(zp), int64(len(zp)))
	for _, f := range r.File {
		if f.Name == "Drive/broken.bin" {
			t.Error("the failed entry is in the central directory")
		}
	}
	t.Logf("serial %d bytes, parallel %d bytes (%+.2f%%)", len(zs), len(zp), 100*(float64(len(zp))/float64(len(zs))-1))
	if float64(len(zp)) > 1.02*float64(len(zs)) {
		t.Errorf("parallel deflate is %d bytes, serial %d: chunks lose more than 2%%", len(zp), len(zs))
	}
	again, _, _ := write(4)
	if !bytes.Equal(again, zp) {
		t.Error("two parallel writes of the same items differ")
	}
	if n := len(checkTools(t, saveZip(t, zp))); n != int(sp.Entries) {
		t.Errorf("Python lists %d entries, the part holds %d", n, sp.Entries)
	}
}

// Memory stays bounded however long an entry is and however many
// entries there are: 256 MiB of text in one entry and 20,000 small ones,
// with 4 workers, keep the heap small.
func TestParallelMemoryIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("deflates 300 MiB")
	}
	text := synth.Pool(synth.Text(8<<20, 3))
	p := newPart(t, io.Discard, Options{Workers: 4, Index: io.Discard, Failures: io.Discard})
	var peak uint64
	sample := func() {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
	}
	w, _ := p.Create(connector.Entry{Path: "Mail/All mail.mbox"})
	for i := range 256 {
		w.Write(text.File(i, 1<<20))
		if i%16 == 0 {
			sample()
		}
	}
	for i := range 20_000 {
		create(t, p, connector.Entry{Path: fmt.Sprintf("Drive/f%05d.txt", i), ItemID: strconv.Itoa(i)}, string(text.File(i, 2<<10)))
		if i%1000 == 0 {
			sample()
		}
	}
	if _, err := p.Close(); err != nil {
		t.Fatal(err)
	}
	t.Logf("peak heap in use %d MiB", peak>>20)
	if peak > 96<<20 {
		t.Errorf("heap in use reached %d MiB", peak>>20)
	}
}
