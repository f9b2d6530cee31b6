package archive

import (
	"bytes"
	"io"
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
// before it are written: at most 2·Workers+2 chunks are out at once, so
// memory is bounded by about 2·(2·Workers+3)·chunkSize whatever the
// entry's size. Everything else the part does when an entry ends (its data
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
	// Buffers of content, of dictionaries and of deflated chunks that
	// were written, for the next chunks: at most max+1 of each exist, and
	// they outlive garbage collections (a sync.Pool would drop them).
	bufs, dicts [][]byte
	outs        []*bytes.Buffer
}

func newPool(workers, level int) *pool {
	return &pool{level: level, slots: make(chan struct{}, workers), max: 2*workers + 2}
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

// take returns a free buffer of list, or a new one of size n.
func take(list *[][]byte, n int) []byte {
	if k := len(*list); k > 0 {
		b := (*list)[k-1]
		*list = (*list)[:k-1]
		return b[:0]
	}
	return make([]byte, 0, n)
}

func (p *pool) buffer() []byte { return take(&p.bufs, chunkSize) }

func (p *pool) dict() []byte { return take(&p.dicts, dictSize) }

// release keeps a written chunk's buffers for the next chunks.
func (p *pool) release(c *chunk) {
	if c.raw != nil {
		p.bufs = append(p.bufs, c.raw)
	}
	if c.dict != nil {
		p.dicts = append(p.dicts, c.dict)
	}
	if c.out != nil {
		p.outs = append(p.outs, c.out)
	}
}

func (p *pool) out() *bytes.Buffer {
	if k := len(p.outs); k > 0 {
		b := p.outs[k-1]
		p.outs = p.outs[:k-1]
		b.Reset()
		return b
	}
	return new(bytes.Buffer)
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
		c.out = p.out()
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
	p.release(c)
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
