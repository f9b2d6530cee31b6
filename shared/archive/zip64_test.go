package archive

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/orgexport/orgexport/shared/connector"
)

// sparseFile writes runs of zeros as holes, so a zip of several GiB of
// zeros takes almost no disk.
type sparseFile struct {
	f   *os.File
	end int64
}

var zeros = make([]byte, bufferSize)

func (s *sparseFile) Write(p []byte) (int, error) {
	s.end += int64(len(p))
	if len(p) <= len(zeros) && bytes.Equal(p, zeros[:len(p)]) {
		_, err := s.f.Seek(int64(len(p)), io.SeekCurrent)
		return len(p), err
	}
	return s.f.Write(p)
}

func TestLargePartUsesZip64(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 4.1 GiB through the part writer")
	}
	name := filepath.Join(t.TempDir(), "large.zip")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sink := &sparseFile{f: f}
	p := newPart(t, sink, Options{})
	const big = 4<<30 + 1<<20 // past 4 GiB: zip64 sizes, and offsets after it
	w, err := p.Create(connector.Entry{Path: "Drive/video.mp4", Content: connector.Compressed})
	if err != nil {
		t.Fatal(err)
	}
	for n := int64(0); n < big; n += int64(len(zeros)) {
		if _, err := w.Write(zeros); err != nil {
			t.Fatal(err)
		}
	}
	create(t, p, connector.Entry{Path: "Drive/after.txt"}, "after the big one")
	sum, err := p.Close()
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(sink.end); err != nil {
		t.Fatal(err)
	}
	if sum.Size != sink.end || sum.Size < big {
		t.Fatalf("part is %d bytes, summary says %d", sink.end, sum.Size)
	}
	list := checkTools(t, name)
	if len(list) != 2 || list[0][1] != float64(big) || list[1][0] != "Drive/after.txt" {
		t.Errorf("python lists %v", list)
	}
}
