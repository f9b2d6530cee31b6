package archive

import (
	"bytes"
	stdflate "compress/flate"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fsouza/fake-gcs-server/fakestorage"
	kflate "github.com/klauspost/compress/flate"

	"github.com/orgexport/orgexport/shared/archive/internal/synth"
	"github.com/orgexport/orgexport/shared/blob"
	"github.com/orgexport/orgexport/shared/connector"
)

// textFiles is the compressible part of a benchmark account: about 1,000
// mails and documents of 2 KiB to 130 KiB, 64 MiB in all, cut from one pool.
var textFiles = sync.OnceValue(func() [][]byte {
	pool := synth.Pool(synth.Text(16<<20, 1))
	var files [][]byte
	for i, total := 0, 0; total < 64<<20; i++ {
		f := pool.File(i, 2<<10+(i*7717)%(128<<10))
		files = append(files, f)
		total += len(f)
	}
	return files
})

func totalSize(files [][]byte) int64 {
	var n int64
	for _, f := range files {
		n += int64(len(f))
	}
	return n
}

// byteCounter counts what is written to it.
type byteCounter struct{ n int64 }

func (c *byteCounter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// BenchmarkDeflate compares the standard library's deflate with
// klauspost/compress's on the same files, one stream per file.
func BenchmarkDeflate(b *testing.B) {
	files := textFiles()
	for _, level := range []int{1, 5, 6} {
		b.Run(fmt.Sprintf("stdlib/%d", level), func(b *testing.B) {
			out := &byteCounter{}
			w, _ := stdflate.NewWriter(out, level)
			deflateFiles(b, files, out, func() { w.Reset(out) }, w)
		})
		b.Run(fmt.Sprintf("klauspost/%d", level), func(b *testing.B) {
			out := &byteCounter{}
			w, _ := kflate.NewWriter(out, level)
			deflateFiles(b, files, out, func() { w.Reset(out) }, w)
		})
	}
}

// BenchmarkRawDeflate is the baseline of target (a): only deflating the
// files, at the level the pipeline uses.
func BenchmarkRawDeflate(b *testing.B) {
	out := &byteCounter{}
	w, _ := kflate.NewWriter(out, DefaultLevel)
	deflateFiles(b, textFiles(), out, func() { w.Reset(out) }, w)
}

func deflateFiles(b *testing.B, files [][]byte, out *byteCounter, reset func(), w io.WriteCloser) {
	b.SetBytes(totalSize(files))
	for b.Loop() {
		out.n = 0
		for _, f := range files {
			reset()
			w.Write(f)
			w.Close()
		}
	}
	b.ReportMetric(float64(out.n)/float64(totalSize(files)), "ratio")
}

// BenchmarkPipeline is target (a): the same files through the part writer
// (zip framing, CRC-32, part checksums, index) into the Discard bucket.
func BenchmarkPipeline(b *testing.B) {
	files := textFiles()
	bucket := blob.NewDiscard()
	b.SetBytes(totalSize(files))
	for b.Loop() {
		sink := bucket.NewWriter(context.Background(), "a-001.zip", "application/zip")
		p, _ := New(sink, Options{Index: io.Discard, Failures: io.Discard})
		for i, f := range files {
			w, err := p.Create(connector.Entry{Path: fmt.Sprintf("Drive/doc %05d.txt", i), ItemID: fmt.Sprint(i)})
			if err != nil {
				b.Fatal(err)
			}
			w.Write(f)
			if i%50 == 49 {
				p.Checkpoint(context.Background(), fmt.Sprint(i))
			}
		}
		sum, err := p.Close()
		if err != nil || sink.Close() != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(sum.Size)/float64(totalSize(files)), "ratio")
	}
}

// BenchmarkWorkers is issue 21's zip pipeline: raw deflate of the files,
// and the part writer with one worker (in the caller's goroutine) and
// with two, on the same files, into a sink that only counts (the part
// writer's own work: deflate, zip framing, CRC-32, the part's SHA-256,
// MD5 and CRC32C, the index). Compare the three in one run.
func BenchmarkWorkers(b *testing.B) {
	files := textFiles()
	b.Run("raw", func(b *testing.B) {
		out := &byteCounter{}
		w, _ := kflate.NewWriter(out, DefaultLevel)
		deflateFiles(b, files, out, func() { w.Reset(out) }, w)
	})
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			b.SetBytes(totalSize(files))
			for b.Loop() {
				writeFiles(b, files, &byteCounter{}, workers)
			}
		})
	}
}

// BenchmarkWorkersOneEntry is BenchmarkWorkers with the same bytes as
// one long entry (an mbox): parallel deflate cuts it into chunks.
func BenchmarkWorkersOneEntry(b *testing.B) {
	one := [][]byte{bytes.Join(textFiles(), nil)}
	b.Run("raw", func(b *testing.B) {
		out := &byteCounter{}
		w, _ := kflate.NewWriter(out, DefaultLevel)
		deflateFiles(b, one, out, func() { w.Reset(out) }, w)
	})
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			b.SetBytes(totalSize(one))
			for b.Loop() {
				writeFiles(b, one, &byteCounter{}, workers)
			}
		})
	}
}

// writeFiles writes files through a part writer into sink, with a
// checkpoint every 50 files, as the Drive connector does every 200.
func writeFiles(tb testing.TB, files [][]byte, sink io.Writer, workers int) Summary {
	p, _ := New(sink, Options{Index: io.Discard, Failures: io.Discard, Workers: workers})
	for i, f := range files {
		w, err := p.Create(connector.Entry{Path: fmt.Sprintf("Drive/doc %05d.txt", i), ItemID: fmt.Sprint(i)})
		if err != nil {
			tb.Fatal(err)
		}
		w.Write(f)
		if i%50 == 49 {
			p.Checkpoint(context.Background(), fmt.Sprint(i))
		}
	}
	sum, err := p.Close()
	if err != nil {
		tb.Fatal(err)
	}
	return sum
}

// BenchmarkVsZip is target (b): `zip -r` of a folder followed by an upload
// of the zip, against streaming the same files through the part writer into
// the same bucket (fake-gcs-server over HTTP, same chunk size).
func BenchmarkVsZip(b *testing.B) {
	if _, err := exec.LookPath("zip"); err != nil {
		b.Skip("zip is not installed")
	}
	dir, size := writeAccountFolder(b)
	srv, err := fakestorage.NewServerWithOptions(fakestorage.Options{Scheme: "http", Host: "127.0.0.1"})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Stop()
	srv.CreateBucketWithOpts(fakestorage.CreateBucketOpts{Name: "exports"})
	bucket := blob.NewGCS(srv.Client(), "exports", blob.GCSOptions{})
	b.Run("zip-r+upload", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			zipThenUpload(b, dir, bucket)
		}
	})
	b.Run("stream", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			streamFolder(b, dir, bucket)
		}
	})
}

// writeAccountFolder writes the benchmark account as files: the text files
// and 24 MiB of photos, and returns the folder and its size.
func writeAccountFolder(b testing.TB) (string, int64) {
	dir := filepath.Join(b.TempDir(), "Drive")
	os.MkdirAll(dir, 0o755)
	size := int64(0)
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			b.Fatal(err)
		}
		size += int64(len(data))
	}
	for i, f := range textFiles() {
		write(fmt.Sprintf("doc %05d.txt", i), f)
	}
	photos := synth.Pool(synth.Random(8<<20, 2))
	for i := range 12 {
		write(fmt.Sprintf("photo %02d.jpg", i), photos.File(i, 2<<20))
	}
	return dir, size
}

func zipThenUpload(b testing.TB, dir string, bucket blob.Bucket) {
	out := filepath.Join(b.TempDir(), "a-001.zip")
	cmd := exec.Command("zip", "-r", "-q", out, filepath.Base(dir))
	cmd.Dir = filepath.Dir(dir)
	if msg, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("zip: %v %s", err, msg)
	}
	f, err := os.Open(out)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	w := bucket.NewWriter(context.Background(), "zip/a-001.zip", "application/zip")
	if _, err := io.Copy(w, f); err != nil {
		b.Fatal(err)
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	os.Remove(out)
}

func streamFolder(b testing.TB, dir string, bucket blob.Bucket) {
	names, _ := os.ReadDir(dir)
	sink := bucket.NewWriter(context.Background(), "stream/a-001.zip", "application/zip")
	p, _ := New(sink, Options{Index: io.Discard, Failures: io.Discard})
	for _, n := range names {
		kind := connector.Compressible
		if strings.HasSuffix(n.Name(), ".jpg") {
			kind = connector.Compressed
		}
		copyFile(b, p, filepath.Join(dir, n.Name()), "Drive/"+n.Name(), kind)
	}
	if _, err := p.Close(); err != nil {
		b.Fatal(err)
	}
	if err := sink.Close(); err != nil {
		b.Fatal(err)
	}
}

func copyFile(b testing.TB, p *PartWriter, name, path string, kind connector.Content) {
	f, err := os.Open(name)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	w, err := p.Create(connector.Entry{Path: path, Modified: time.Unix(0, 0), Content: kind})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(w, f); err != nil {
		b.Fatal(err)
	}
}
