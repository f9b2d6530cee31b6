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
	fw     *flate.Writer // nil when stored or deflated in parallel
	closed bool
	// With Options.Workers > 1: the content not yet handed out, and the
	// last dictSize bytes handed out (the next chunk's dictionary).
	buf, tail []byte
}

func (w *entryWriter) Write(b []byte) (int, error) {
	if w.closed {
		return 0, fmt.Errorf("write %q: %w", w.e.name, errClosed)
	}
	if w.p.err != nil {
		return 0, w.p.err
	}
	w.e.update(b)
	if w.p.pool != nil {
		w.buffer(b)
		return len(b), w.p.err
	}
	n, err := w.dst.Write(b)
	if err != nil {
		return n, w.p.fail(fmt.Errorf("write %q: %w", w.e.name, err))
	}
	return n, nil
}

// buffer gathers b into chunks and hands each full one out.
func (w *entryWriter) buffer(b []byte) {
	for len(b) > 0 {
		n := copy(w.buf[len(w.buf):chunkSize], b)
		w.buf, b = w.buf[:len(w.buf)+n], b[n:]
		if len(w.buf) == chunkSize {
			w.hand(false, nil)
		}
	}
}

// hand queues the gathered content as a chunk; the last one ends the
// entry, and then runs once it is written.
func (w *entryWriter) hand(last bool, then func()) {
	c := &chunk{raw: w.buf, last: last, store: w.e.method == methodStore, then: then}
	if !c.store {
		c.dict = w.tail
		if !last {
			w.tail = append(w.p.pool.dict(), w.buf[len(w.buf)-min(dictSize, len(w.buf)):]...)
		}
	}
	w.buf = nil
	if !last {
		w.buf = w.p.pool.buffer()
	}
	w.p.submit(c)
}

// release ends the writer.
func (w *entryWriter) release() {
	w.fw = nil // the part's, used again by the next entry
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
	if p.pool != nil {
		w.hand(true, func() { p.endEntry(w) })
		return p.err
	}
	if w.fw != nil {
		if err := w.fw.Close(); err != nil {
			return p.fail(fmt.Errorf("finish %q: %w", w.e.name, err))
		}
	}
	p.endEntry(w)
	return p.err
}

// endEntry writes the data descriptor of the entry whose data is all
// written, keeps its central directory record and indexes it.
func (p *PartWriter) endEntry(w *entryWriter) {
	if p.err != nil {
		return
	}
	w.e.csize = uint64(p.zip.w.n - w.start)
	if err := p.zip.end(w.e); err != nil {
		p.fail(fmt.Errorf("finish %q: %w", w.e.name, err))
		return
	}
	p.counts.files[productOf(w.e.name)]++
	rec := IndexRecord{Kind: KindEntry, Path: w.e.name, ItemID: w.e.itemID, Size: w.e.size, CRC32: w.e.crc, Note: w.e.note}
	if w.e.itemID != "" {
		p.counts.items[productOf(w.e.name)]++
	}
	p.record(rec)
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
	if p.pool != nil {
		w.hand(true, func() { p.endDropped(w) })
		return
	}
	if w.fw != nil {
		if err := w.fw.Close(); err != nil {
			p.fail(fmt.Errorf("end failed entry %q: %w", w.e.name, err))
			return
		}
	}
	p.endDropped(w)
}

// endDropped writes the data descriptor of a dropped entry whose data is
// all written.
func (p *PartWriter) endDropped(w *entryWriter) {
	if p.err != nil {
		return
	}
	w.e.csize = uint64(p.zip.w.n - w.start)
	if err := p.zip.descriptor(w.e); err != nil {
		p.fail(fmt.Errorf("end failed entry %q: %w", w.e.name, err))
	}
}
