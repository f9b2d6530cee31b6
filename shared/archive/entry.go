package archive

import (
	"fmt"
	"hash/maphash"
	"io"

	"github.com/klauspost/compress/flate"

	"github.com/orgexport/orgexport/shared/zipname"
)

// entryWriter is the writer Create returns.
type entryWriter struct {
	p      *PartWriter
	e      *entry
	start  int64 // offset of the entry's data
	dst    io.Writer
	fw     *flate.Writer // nil when stored
	closed bool
}

func (w *entryWriter) Write(b []byte) (int, error) {
	if w.closed {
		return 0, fmt.Errorf("write %q: %w", w.e.name, errClosed)
	}
	if w.p.err != nil {
		return 0, w.p.err
	}
	w.e.update(b)
	n, err := w.dst.Write(b)
	if err != nil {
		return n, w.p.fail(fmt.Errorf("write %q: %w", w.e.name, err))
	}
	return n, nil
}

// release returns the compressor and ends the writer.
func (w *entryWriter) release() {
	if w.fw != nil {
		putCompressor(w.fw, w.p.opts.Level)
		w.fw = nil
	}
	w.closed = true
}

// finishEntry ends the current file, if any: the rest of its compressed
// data, its data descriptor, and its central directory record.
func (p *PartWriter) finishEntry() error {
	w := p.cur
	if w == nil {
		return nil
	}
	p.cur = nil
	defer w.release()
	if w.fw != nil {
		if err := w.fw.Close(); err != nil {
			return p.fail(fmt.Errorf("finish %q: %w", w.e.name, err))
		}
	}
	if p.err != nil {
		return p.err
	}
	w.e.csize = uint64(p.zip.w.n - w.start)
	if err := p.zip.end(w.e); err != nil {
		return p.fail(fmt.Errorf("finish %q: %w", w.e.name, err))
	}
	p.counts.files[productOf(w.e.name)]++
	rec := IndexRecord{Kind: KindEntry, Path: w.e.name, ItemID: w.e.itemID, Size: w.e.size, CRC32: w.e.crc, Note: w.e.note}
	if w.e.itemID != "" {
		p.counts.items[productOf(w.e.name)]++
	}
	p.record(rec)
	return p.err
}

// dropEntry abandons the current file. Its data is ended properly, with a
// data descriptor, so that readers that stream through local headers stay
// in step (and show what was written of it), but no central directory
// record points at it, so unzip, 7-Zip, Python and file managers do not
// list it.
func (p *PartWriter) dropEntry() {
	w := p.cur
	p.cur = nil
	defer w.release()
	delete(p.names, maphash.String(p.seed, zipname.Key(w.e.name)))
	if w.fw != nil {
		if err := w.fw.Close(); err != nil {
			p.fail(fmt.Errorf("end failed entry %q: %w", w.e.name, err))
			return
		}
	}
	w.e.csize = uint64(p.zip.w.n - w.start)
	if err := p.zip.descriptor(w.e); err != nil {
		p.fail(fmt.Errorf("end failed entry %q: %w", w.e.name, err))
	}
}
