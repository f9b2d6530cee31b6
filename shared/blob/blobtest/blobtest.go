package blobtest

import (
	"bytes"
	"context"
	"crypto/md5"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/orgexport/orgexport/shared/blob"
)

// Run runs the suite against buckets made by newBucket, which returns an
// empty bucket for each test.
func Run(t *testing.T, newBucket func(t *testing.T) blob.Bucket) {
	tests := []struct {
		name string
		fn   func(t *testing.T, b blob.Bucket)
	}{
		{"WriteReadAttrs", testWriteReadAttrs},
		{"LargeObjectInManyWrites", testLarge},
		{"Missing", testMissing},
		{"Overwrite", testOverwrite},
		{"ListPrefixInOrder", testList},
		{"CancelledUploadLeavesNothing", testCancelled},
		{"Delete", testDelete},
		{"CustomTime", testCustomTime},
		{"CustomTimes", testCustomTimes},
		{"ConditionalWrite", testConditional},
		{"StampedWrite", testStamped},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newBucket(t)) })
	}
}

// put stores data under name.
func put(t *testing.T, b blob.Bucket, name, contentType string, data []byte) {
	t.Helper()
	w := b.NewWriter(context.Background(), name, contentType)
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// get reads name.
func get(t *testing.T, b blob.Bucket, name string) []byte {
	t.Helper()
	r, err := b.NewReader(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func testWriteReadAttrs(t *testing.T, b blob.Bucket) {
	name := "C01/exp-1/users/ålice@example.com/ålice@example.com-001.zip"
	data := []byte("PK\x03\x04 not really a zip")
	put(t, b, name, "application/zip", data)
	if got := get(t, b, name); !bytes.Equal(got, data) {
		t.Errorf("read %q, wrote %q", got, data)
	}
	a, err := b.Attrs(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum(data)
	crc := crc32.Checksum(data, crc32.MakeTable(crc32.Castagnoli))
	if a.Name != name || a.Size != int64(len(data)) || a.ContentType != "application/zip" ||
		!bytes.Equal(a.MD5, sum[:]) || a.CRC32C != crc || a.Updated.IsZero() {
		t.Errorf("attrs %+v; want size %d md5 %x crc32c %x", a, len(data), sum, crc)
	}
}

func testLarge(t *testing.T, b blob.Bucket) {
	data := make([]byte, 3<<20+12345) // several upload chunks at 256 KiB
	for i := range data {
		data[i] = byte(i * 7 >> 3)
	}
	w := b.NewWriter(context.Background(), "big.bin", "application/octet-stream")
	for rest := data; len(rest) > 0; {
		n := min(len(rest), 100_000)
		if _, err := w.Write(rest[:n]); err != nil {
			t.Fatal(err)
		}
		rest = rest[n:]
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got := get(t, b, "big.bin"); !bytes.Equal(got, data) {
		t.Errorf("read %d bytes, wrote %d, equal %v", len(got), len(data), bytes.Equal(got, data))
	}
}

func testMissing(t *testing.T, b blob.Bucket) {
	ctx := context.Background()
	if _, err := b.NewReader(ctx, "nope"); !errors.Is(err, blob.ErrNotExist) {
		t.Errorf("NewReader = %v", err)
	}
	if _, err := b.Attrs(ctx, "nope"); !errors.Is(err, blob.ErrNotExist) {
		t.Errorf("Attrs = %v", err)
	}
	if err := b.Delete(ctx, "nope"); !errors.Is(err, blob.ErrNotExist) {
		t.Errorf("Delete = %v", err)
	}
}

func testOverwrite(t *testing.T, b blob.Bucket) {
	put(t, b, "p-001.zip", "application/zip", []byte("first attempt, longer"))
	put(t, b, "p-001.zip", "application/zip", []byte("redone"))
	if got := get(t, b, "p-001.zip"); string(got) != "redone" {
		t.Errorf("read %q", got)
	}
}

func testList(t *testing.T, b blob.Bucket) {
	names := []string{"e/users/b/b-002.zip", "e/report.html", "e/users/b/b-001.zip", "e/users/a/a-001.zip", "other/x", "e/groups/g/g-001.zip"}
	for i, n := range names {
		put(t, b, n, "application/zip", bytes.Repeat([]byte("x"), i))
	}
	var got []string
	for a, err := range b.List(context.Background(), "e/users/") {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s:%d", a.Name, a.Size))
	}
	want := []string{"e/users/a/a-001.zip:3", "e/users/b/b-001.zip:2", "e/users/b/b-002.zip:0"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("List = %v, want %v", got, want)
	}
	n := 0
	for range b.List(context.Background(), "") {
		n++
		break // stopping early must be fine
	}
	if n != 1 {
		t.Errorf("stopped list yielded %d", n)
	}
}

func testCancelled(t *testing.T, b blob.Bucket) {
	put(t, b, "kept.zip", "application/zip", []byte("earlier complete upload"))
	for _, name := range []string{"new.zip", "kept.zip"} {
		ctx, cancel := context.WithCancel(context.Background())
		w := b.NewWriter(ctx, name, "application/zip")
		w.Write([]byte("partial"))
		cancel()
		if err := w.Close(); err == nil {
			t.Errorf("%s: Close after cancel succeeded", name)
		}
	}
	if _, err := b.Attrs(context.Background(), "new.zip"); !errors.Is(err, blob.ErrNotExist) {
		t.Errorf("abandoned upload exists: %v", err)
	}
	if got := get(t, b, "kept.zip"); string(got) != "earlier complete upload" {
		t.Errorf("abandoned upload replaced the object: %q", got)
	}
}

func testDelete(t *testing.T, b blob.Bucket) {
	put(t, b, "gone.txt", "text/plain", []byte("x"))
	if err := b.Delete(context.Background(), "gone.txt"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Attrs(context.Background(), "gone.txt"); !errors.Is(err, blob.ErrNotExist) {
		t.Errorf("Attrs after Delete = %v", err)
	}
}

// testCustomTime: a stamped object reports its Custom-Time; a missing one
// cannot be stamped.
func testCustomTime(t *testing.T, b blob.Bucket) {
	ctx := context.Background()
	put(t, b, "a/part-001.zip", "application/zip", []byte("zip"))
	at := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	if err := b.SetCustomTime(ctx, "a/part-001.zip", at); err != nil {
		t.Fatal(err)
	}
	a, err := b.Attrs(ctx, "a/part-001.zip")
	if err != nil {
		t.Fatal(err)
	}
	if !a.CustomTime.Equal(at) {
		t.Errorf("custom time %v, want %v", a.CustomTime, at)
	}
	// A listing carries it too: an assembly delivered again skips what
	// the first delivery stamped.
	for o, err := range b.List(ctx, "a/") {
		if err != nil {
			t.Fatal(err)
		}
		if !o.CustomTime.Equal(at) {
			t.Errorf("listed %s with custom time %v, want %v", o.Name, o.CustomTime, at)
		}
	}
	if err := b.SetCustomTime(ctx, "a/missing", at); !errors.Is(err, blob.ErrNotExist) {
		t.Errorf("stamping a missing object: %v, want ErrNotExist", err)
	}
}

// testConditional: a conditional upload lands only on the generation it
// names, so of two writers that read the same state only the first wins,
// and the loser leaves the winner's object as it is.
func testConditional(t *testing.T, b blob.Bucket) {
	ctx := context.Background()
	write := func(gen int64, data string) error {
		w := b.NewWriterIf(ctx, "c/part.zip", "application/zip", gen)
		if _, err := w.Write([]byte(data)); err != nil {
			return err
		}
		return w.Close()
	}
	if err := write(0, "first"); err != nil {
		t.Fatalf("create if absent: %v", err)
	}
	if err := write(0, "second"); !errors.Is(err, blob.ErrPrecondition) {
		t.Fatalf("second create if absent: %v, want ErrPrecondition", err)
	}
	a, err := b.Attrs(ctx, "c/part.zip")
	if err != nil || a.Generation == 0 {
		t.Fatalf("attrs %+v, %v: want a generation", a, err)
	}
	if got := string(get(t, b, "c/part.zip")); got != "first" {
		t.Fatalf("the loser replaced the object: %q", got)
	}
	if err := write(a.Generation+1000, "stale"); !errors.Is(err, blob.ErrPrecondition) {
		t.Fatalf("write on a wrong generation: %v", err)
	}
	if err := write(a.Generation, "replaced"); err != nil {
		t.Fatalf("write on the current generation: %v", err)
	}
	b2, _ := b.Attrs(ctx, "c/part.zip")
	if string(get(t, b, "c/part.zip")) != "replaced" || b2.Generation == a.Generation {
		t.Errorf("after replacing: %q at generation %d (was %d)", get(t, b, "c/part.zip"), b2.Generation, a.Generation)
	}
}

// testStamped: an object written stamped has its Custom-Time from its
// creation, on the same condition as NewWriterIf.
func testStamped(t *testing.T, b blob.Bucket) {
	ctx := context.Background()
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	w := b.NewWriterStamped(ctx, "s/report.json", "application/json", 0, at)
	if _, err := w.Write([]byte("{}")); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("create stamped: %v", err)
	}
	a, err := b.Attrs(ctx, "s/report.json")
	if err != nil || !a.CustomTime.Equal(at) {
		t.Fatalf("attrs %+v, %v: want Custom-Time %v", a, err, at)
	}
	w = b.NewWriterStamped(ctx, "s/report.json", "application/json", a.Generation+1000, at)
	w.Write([]byte("stale"))
	if err := w.Close(); !errors.Is(err, blob.ErrPrecondition) {
		t.Errorf("stamped write on a wrong generation: %v, want ErrPrecondition", err)
	}
}

// testCustomTimes: a bucket that stamps many objects in one request
// (blob.GCS, in batches of blob.StampBatch) stamps every one it is given,
// and a missing one fails the call, naming it.
func testCustomTimes(t *testing.T, b blob.Bucket) {
	many, ok := b.(interface {
		SetCustomTimes(ctx context.Context, names []string, t time.Time) error
	})
	if !ok {
		t.Skip("stamps one object a request")
	}
	ctx := context.Background()
	var names []string
	for i := range 2*blob.StampBatch + 3 {
		name := fmt.Sprintf("s/ålice %03d.zip", i)
		put(t, b, name, "application/zip", []byte("zip"))
		names = append(names, name)
	}
	at := time.Date(2026, 11, 29, 8, 30, 0, 0, time.UTC)
	if err := many.SetCustomTimes(ctx, names, at); err != nil {
		t.Fatal(err)
	}
	n := 0
	for o, err := range b.List(ctx, "s/") {
		if err != nil {
			t.Fatal(err)
		}
		if n++; !o.CustomTime.Equal(at) {
			t.Errorf("%s: custom time %v, want %v", o.Name, o.CustomTime, at)
		}
	}
	if n != len(names) {
		t.Errorf("listed %d objects, stamped %d", n, len(names))
	}
	err := many.SetCustomTimes(ctx, []string{names[0], "s/missing.zip", names[1]}, at.Add(time.Hour))
	if !errors.Is(err, blob.ErrNotExist) || !strings.Contains(err.Error(), "s/missing.zip") {
		t.Errorf("stamping a missing object among others: %v, want ErrNotExist naming it", err)
	}
}
