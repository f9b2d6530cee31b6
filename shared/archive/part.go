package archive

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"strings"
	"time"

	"github.com/klauspost/compress/flate"

	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/zipname"
)

// ErrDuplicate is returned by Create for a path that, compared as macOS and
// Windows compare names, equals a file or folder already in the part.
var ErrDuplicate = errors.New("duplicate zip entry")

// ErrClosed is returned for calls after Close.
var ErrClosed = errors.New("part already closed")

// DefaultMaxDirectory is Options.MaxDirectory when it is 0.
const DefaultMaxDirectory = 16 << 20

// testWorkers is Options.Workers when it is 0; only tests change it, to
// run the package's tests again with parallel deflate.
var testWorkers = 1

// maxCursor is the longest cursor Checkpoint accepts (see package connector).
const maxCursor = 1024

// bufferSize is how much the writer gathers before hashing and passing
// bytes to the sink.
const bufferSize = 256 << 10

// Options configure a PartWriter. The zero value writes part 1 with no size
// or time limit, deflate level DefaultLevel, and keeps failures in memory.
type Options struct {
	// Part is the part's number, from 1 (0 means 1).
	Part int
	// PartSize cuts the part at the first checkpoint at which it holds at
	// least this many bytes. A part can be larger by the items written
	// since the previous checkpoint. 0 means no limit.
	PartSize int64
	// MaxDirectory cuts the part at the first checkpoint at which its
	// central directory, which is held in memory until Close, holds at
	// least this many bytes, so an account of a million small files
	// takes bounded memory: 0 means DefaultMaxDirectory, about 150,000
	// entries.
	MaxDirectory int64
	// Deadline cuts the part at the first checkpoint at or after it, so the
	// caller has time to finish it. Zero means none.
	Deadline time.Time
	// Now is the clock Deadline is read against; nil means time.Now.
	Now func() time.Time
	// Level is the deflate level, 1 to 9; 0 means DefaultLevel.
	Level int
	// Failures receives each failure as a line of NDJSON (see FailureLog)
	// as it is reported. If nil, failures are kept in memory and returned
	// by Failures, which suits tests and small accounts only.
	Failures io.Writer
	// Workers is how many deflate streams run at once: with more than
	// one, entries (and 1 MiB chunks of a long entry) are deflated in
	// parallel and written in order (see parallel.go); 0 or 1 deflates in
	// the caller's goroutine. Set it to the CPUs the process has.
	Workers int
	// Index receives the part's item index as NDJSON (see IndexRecord):
	// which source items went into which entry. If nil, the index is kept
	// in memory and returned by Index, for tests and small accounts only.
	Index io.Writer
}

// Summary describes a finished part, for the account's record and
// manifest.json.
type Summary struct {
	Part    int
	Size    int64
	SHA256  []byte
	MD5     []byte
	CRC32C  uint32
	Entries int64
	// Files counts the files (zip entries) written per product; Items the
	// source items written (entries with an ItemID, and Emitter.Item
	// calls); Failed the failures.
	Files  map[export.Product]int
	Items  map[export.Product]int
	Failed map[export.Product]int
	// Deleted counts the items asked for by id that no longer exist
	// (connector.Failure.Deleted); they are not counted in Failed.
	Deleted map[export.Product]int
	// Cursor is the last checkpoint's cursor; Cut says the part was cut
	// there, and the export resumes from it in the next part.
	Cursor string
	Cut    bool
}

// PartWriter writes one numbered zip part of an account and is the Emitter
// connectors write into. It is not safe for concurrent use.
type PartWriter struct {
	opts     Options
	digest   *digester
	buf      *bufio.Writer
	zip      zipWriter
	cur      *entryWriter
	names    map[uint64]bool // hashes of keys of paths (true) and folders (false)
	seed     maphash.Seed
	cursor   string
	cut      bool
	closed   bool
	err      error  // sticky: the first write error
	lastPath string // of the latest entry, for Item after it ended
	counts   counts
	log      *FailureLog
	failures []connector.Failure
	index    *IndexLog
	records  []IndexRecord
	pool     *pool         // nil unless Options.Workers > 1
	fw       *flate.Writer // the entries' compressor, with one worker
}

// counts are a part's per-product tallies.
type counts struct {
	files, items, failed, deleted map[export.Product]int
}

var _ connector.Emitter = (*PartWriter)(nil)

// New returns a PartWriter writing a zip to w. Close finishes the zip but
// does not close w.
func New(w io.Writer, o Options) (*PartWriter, error) {
	if o.Part == 0 {
		o.Part = 1
	}
	if o.Level == 0 {
		o.Level = DefaultLevel
	}
	if o.Part < 0 || o.Level < flate.BestSpeed || o.Level > flate.BestCompression {
		return nil, fmt.Errorf("zip part options: part %d, level %d", o.Part, o.Level)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MaxDirectory <= 0 {
		o.MaxDirectory = DefaultMaxDirectory
	}
	p := &PartWriter{opts: o, digest: newDigester(w), names: map[uint64]bool{}, seed: maphash.MakeSeed(),
		counts: counts{files: map[export.Product]int{}, items: map[export.Product]int{}, failed: map[export.Product]int{},
			deleted: map[export.Product]int{}}}
	p.buf = bufio.NewWriterSize(p.digest, bufferSize)
	p.zip.w = &counter{w: p.buf}
	if o.Failures != nil {
		p.log = NewFailureLog(o.Failures)
	}
	if o.Index != nil {
		p.index = NewIndexLog(o.Index)
	}
	if o.Workers == 0 {
		o.Workers = testWorkers
	}
	if o.Workers > 1 {
		p.pool = newPool(o.Workers, o.Level)
	}
	return p, nil
}

// Part is the part's number, from 1.
func (p *PartWriter) Part() int { return p.opts.Part }

// Size is the number of bytes written so far (of the entries before the
// open one, and the open one's header).
func (p *PartWriter) Size() int64 {
	p.drain()
	return p.zip.w.n
}

// Create starts the file e, whose path must pass zipname.Valid, and returns
// the writer for its content, valid until the next Create, Checkpoint, Fail
// of its item, or Close.
func (p *PartWriter) Create(en connector.Entry) (io.Writer, error) {
	path := en.Path
	if err := p.usable(); err != nil {
		return nil, fmt.Errorf("create %q: %w", path, err)
	}
	if err := zipname.Valid(path); err != nil {
		return nil, fmt.Errorf("create: %w", err)
	}
	if err := p.finishEntry(); err != nil {
		return nil, err
	}
	if err := p.claim(path); err != nil {
		return nil, err
	}
	e := &entry{name: path, method: methodDeflate, modified: en.Modified, itemID: en.ItemID, note: en.Note}
	if en.Content == connector.Compressed {
		e.method, e.zip64 = methodStore, true
	}
	if p.pool != nil {
		ew := &entryWriter{p: p, e: e, buf: p.pool.buffer()}
		p.later(func() {
			if err := p.zip.begin(e); err != nil {
				p.fail(err)
			}
			ew.start = p.zip.w.n
		})
		p.cur, p.lastPath = ew, path
		return ew, p.err
	}
	if err := p.zip.begin(e); err != nil {
		return nil, p.fail(err)
	}
	ew := &entryWriter{p: p, e: e, start: p.zip.w.n, dst: p.zip.w}
	if e.method == methodDeflate {
		// One compressor for the part's entries, reset for each, as a
		// single deflate stream would be; Close returns it to the pool.
		if p.fw == nil {
			p.fw = getCompressor(p.zip.w, p.opts.Level)
		} else {
			p.fw.Reset(p.zip.w)
		}
		ew.fw, ew.dst = p.fw, p.fw
	}
	p.cur = ew
	p.lastPath = path
	return ew, nil
}

// Item records that the current entry (or, after it ended, the latest one)
// holds the source item id.
func (p *PartWriter) Item(id string) {
	path := p.lastPath
	p.later(func() {
		p.counts.items[productOf(path)]++
		p.record(IndexRecord{Kind: KindItem, Path: path, ItemID: id})
	})
}

// Fail records an item that could not be exported. If the file being
// written holds exactly that item (its Entry.ItemID is f.ItemID), the file
// is left out of the zip: a connector that fails while copying an item
// calls Fail before its next Create or Checkpoint.
func (p *PartWriter) Fail(f connector.Failure) {
	if p.cur != nil && f.ItemID != "" && f.ItemID == p.cur.e.itemID {
		p.dropEntry()
	}
	if f.Deleted {
		p.counts.deleted[f.Product]++
	} else {
		p.counts.failed[f.Product]++
	}
	if p.log == nil {
		p.failures = append(p.failures, f)
		return
	}
	if err := p.log.Write(f); err != nil && p.err == nil {
		p.err = err
	}
}

// Failures returns the failures kept in memory when Options.Failures is nil.
func (p *PartWriter) Failures() []connector.Failure { return p.failures }

// Checkpoint records cursor as the place to resume from. When the part has
// reached Options.PartSize or the clock Options.Deadline, it finishes the
// open file and returns connector.ErrCut; the caller then closes the part.
// Otherwise the open file stays open, so one long file can span many
// checkpoints.
func (p *PartWriter) Checkpoint(ctx context.Context, cursor string) error {
	if err := p.usable(); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	if len(cursor) > maxCursor {
		return fmt.Errorf("checkpoint: cursor is %d bytes, more than %d", len(cursor), maxCursor)
	}
	p.cursor = cursor
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	p.drain() // the part's size counts what is deflated so far
	if p.err != nil {
		return fmt.Errorf("checkpoint: %w", p.err)
	}
	full := p.opts.PartSize > 0 && p.zip.w.n >= p.opts.PartSize || p.zip.central.Len() >= p.opts.MaxDirectory
	late := !p.opts.Deadline.IsZero() && !p.opts.Now().Before(p.opts.Deadline)
	if !full && !late {
		// The open file stays open: a connector writing one long file (an
		// mbox) goes on writing it, and a part that is not cut needs no
		// boundary here (a crash redoes the whole part).
		return nil
	}
	if err := p.finishEntry(); err != nil {
		return err
	}
	p.cut = true
	return connector.ErrCut
}

// Close finishes the current file, writes the central directory and
// flushes everything to the sink, which it does not close.
func (p *PartWriter) Close() (Summary, error) {
	if p.closed {
		return Summary{}, ErrClosed
	}
	p.closed = true
	if p.err != nil {
		return Summary{}, p.err
	}
	if err := p.finishEntry(); err != nil {
		return Summary{}, err
	}
	if p.fw != nil {
		putCompressor(p.fw, p.opts.Level)
		p.fw = nil
	}
	if p.drain(); p.err != nil {
		return Summary{}, p.err
	}
	if err := p.zip.close(); err != nil {
		return Summary{}, p.fail(err)
	}
	if err := p.buf.Flush(); err != nil {
		return Summary{}, p.fail(fmt.Errorf("write zip: %w", err))
	}
	return p.summary(), nil
}

// Summary is what the part holds so far, without closing it: a part that
// wrote no file at all is not uploaded, but its counts and its last cursor
// still count.
func (p *PartWriter) Summary() Summary {
	p.drain()
	return p.summary()
}

func (p *PartWriter) summary() Summary {
	return Summary{
		Part: p.opts.Part, Size: p.digest.n, Entries: int64(p.zip.entries),
		SHA256: p.digest.sha256.Sum(nil), MD5: p.digest.md5.Sum(nil), CRC32C: p.digest.crc32c,
		Files: p.counts.files, Items: p.counts.items, Failed: p.counts.failed, Deleted: p.counts.deleted,
		Cursor: p.cursor, Cut: p.cut,
	}
}

// usable returns why the writer cannot take more content, if it cannot.
func (p *PartWriter) usable() error {
	switch {
	case p.closed:
		return ErrClosed
	case p.err != nil:
		return p.err
	case p.cut:
		return connector.ErrCut
	}
	return nil
}

// fail makes err sticky and returns it.
func (p *PartWriter) fail(err error) error {
	if p.err == nil {
		p.err = err
	}
	return p.err
}

// claim registers path and its folders, or reports that path collides with
// a file or folder already in the part.
func (p *PartWriter) claim(path string) error {
	key := zipname.Key(path)
	for i := range len(key) {
		if key[i] != '/' {
			continue
		}
		h := maphash.String(p.seed, key[:i])
		if isFile := p.names[h]; isFile {
			return fmt.Errorf("create %q: %w: %q is a file", path, ErrDuplicate, path[:min(i, len(path))])
		}
		p.names[h] = false
	}
	h := maphash.String(p.seed, key)
	if _, ok := p.names[h]; ok {
		return fmt.Errorf("create %q: %w", path, ErrDuplicate)
	}
	p.names[h] = true
	return nil
}

// productOf is the product whose Takeout folder path starts with.
func productOf(path string) export.Product {
	folder, _, _ := strings.Cut(path, "/")
	for _, pr := range export.Products {
		if pr.TakeoutFolder() == folder {
			return pr
		}
	}
	return export.Product(folder)
}

// PartName is the object name of an account's part n: "{id}-001.zip".
func PartName(id string, n int) string { return nameOf(id, n, "zip") }

// FailuresName is the object name of the failures of an account's part n,
// beside the part: "{id}-001.failures.ndjson".
func FailuresName(id string, n int) string { return nameOf(id, n, "failures.ndjson") }

// nameOf names an object of an account's part n; the id is sanitised, as
// an object name is also a file name once downloaded.
func nameOf(id string, n int, ext string) string {
	return fmt.Sprintf("%s-%03d.%s", zipname.Sanitize(id), n, ext)
}
