package archive

import (
	"bytes"
	"io"
	"sync"
)

// Parallel deflate (Options.Workers > 1).
//
// An entry's content is cut into chunks of chunkSize bytes; each chunk is
// deflated on its own by a worker, primed with the 32 KiB of the entry
// before it (the deflate window), and ends with a sync flush, the last with
// the final block. Their concatenation is one ordinary deflate stream, so
// entries of any size, a 5 GiB mbox as well as a thousand small mails, use
// every worker. The writer (the caller's goroutine) hands chunks out in
// order and writes each one's output, in order, as soon as the chunks
// before it are written: at most 4·Workers chunks are out at once, so
// memory is bounded by about 8·Workers·chunkSize whatever the entry's
// size. Everything else the part does when an entry ends (its data
// descriptor, central directory and index records, and the index records
// of Emitter.Item) waits in the same queue, so the zip, the index and the
// counts come out as with one worker.
const (
	chunkSize = 1 << 20
	dictSize  = 32 << 10
)

// chunk is a piece of work in the writer's queue: a chunk to deflate (or,
// for a stored entry, to write as it is), or an action to run in turn.
type chunk struct {
	raw   []byte // content; deflated into out unless stored
	dict  []byte // the entry's preceding bytes, up to dictSize
	last  bool   // ends the entry's deflate stream
	store bool
	out   *bytes.Buffer
	then  func() // run after the chunk's bytes are written
	done  chan struct{}
}

// pool deflates chunks on at most workers goroutines at once, one
// goroutine per chunk (so nothing outlives a part that is never closed).
type pool struct {
	level int
	slots chan struct{} // one per worker
	queue []*chunk      // handed out, in order, not yet written
	max   int           // chunks out at once
	bufs  sync.Pool     // chunkSize buffers of content
	outs  sync.Pool     // *bytes.Buffer of deflated chunks
}

func newPool(workers, level int) *pool {
	p := &pool{level: level, slots: make(chan struct{}, workers), max: 4 * workers}
	p.bufs.New = func() any { b := make([]byte, 0, chunkSize); return &b }
	p.outs.New = func() any { return new(bytes.Buffer) }
	return p
}

// deflate compresses c into c.out.
func (p *pool) deflate(c *chunk) {
	p.slots <- struct{}{}
	defer func() { <-p.slots }()
	fw := getCompressor(c.out, p.level)
	if len(c.dict) > 0 {
		fw.ResetDict(c.out, c.dict)
	}
	fw.Write(c.raw) // writes to a bytes.Buffer do not fail
	if c.last {
		fw.Close()
	} else {
		fw.Flush()
	}
	if len(c.dict) > 0 {
		// Reset primes a writer with the dictionary of its last
		// ResetDict: forget it before the writer is used again.
		fw.ResetDict(io.Discard, nil)
	}
	putCompressor(fw, p.level)
	close(c.done)
}

func (p *pool) buffer() []byte { return (*p.bufs.Get().(*[]byte))[:0] }

func (p *pool) release(b []byte) {
	if cap(b) == chunkSize {
		p.bufs.Put(&b)
	}
}

// submit queues c, handing it to a worker unless it is stored or an
// action, and writes out whatever is done at the head of the queue; when
// the queue is full it waits for the oldest.
func (pw *PartWriter) submit(c *chunk) {
	p := pw.pool
	c.done = make(chan struct{})
	if c.raw == nil || c.store {
		close(c.done)
	}
	for len(p.queue) >= p.max {
		pw.writeHead(true)
	}
	p.queue = append(p.queue, c)
	if c.raw != nil && !c.store {
		c.out = p.outs.Get().(*bytes.Buffer)
		c.out.Reset()
		go p.deflate(c)
	}
	for len(p.queue) > 0 && pw.writeHead(false) {
	}
}

// writeHead writes the oldest chunk if it is done (or, with wait, once it
// is) and reports whether it did.
func (pw *PartWriter) writeHead(wait bool) bool {
	p := pw.pool
	c := p.queue[0]
	if wait {
		<-c.done
	} else {
		select {
		case <-c.done:
		default:
			return false
		}
	}
	p.queue[0] = nil
	p.queue = p.queue[1:]
	if pw.err == nil && c.raw != nil {
		b := c.raw
		if !c.store {
			b = c.out.Bytes()
		}
		if _, err := pw.zip.w.Write(b); err != nil {
			pw.fail(err)
		}
	}
	if c.raw != nil {
		p.release(c.raw)
	}
	if c.out != nil && c.out.Cap() <= 2*chunkSize {
		p.outs.Put(c.out)
	}
	if c.then != nil {
		c.then()
	}
	return true
}

// drain writes out every queued chunk.
func (pw *PartWriter) drain() {
	if pw.pool == nil {
		return
	}
	for len(pw.pool.queue) > 0 {
		pw.writeHead(true)
	}
}

// later runs fn in turn: after the chunks queued before it are written.
func (pw *PartWriter) later(fn func()) {
	if pw.pool == nil || len(pw.pool.queue) == 0 {
		fn()
		return
	}
	pw.submit(&chunk{then: fn})
}
