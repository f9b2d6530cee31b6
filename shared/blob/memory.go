package blob

import (
	"bytes"
	"context"
	"crypto/md5"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"iter"
	"slices"
	"strings"
	"sync"
	"time"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Memory is a bucket held in memory, safe for concurrent use.
type Memory struct {
	mu      sync.Mutex
	objects map[string]memObject
	now     func() time.Time
	gen     int64 // the last generation written
}

type memObject struct {
	attrs Attrs
	data  []byte // nil in a Discard
}

var _ Bucket = (*Memory)(nil)

// NewMemory returns an empty bucket.
func NewMemory() *Memory {
	return &Memory{objects: map[string]memObject{}, now: time.Now}
}

// NewWriter buffers the object and stores it on Close.
func (m *Memory) NewWriter(ctx context.Context, name, contentType string) io.WriteCloser {
	return newMemWriter(ctx, m, name, contentType, true, -1)
}

// NewWriterIf is NewWriter that stores the object only if it is then at
// generation (0: absent).
func (m *Memory) NewWriterIf(ctx context.Context, name, contentType string, generation int64) io.WriteCloser {
	return newMemWriter(ctx, m, name, contentType, true, generation)
}

// NewWriterStamped is NewWriterIf of an object with Custom-Time stamp.
func (m *Memory) NewWriterStamped(ctx context.Context, name, contentType string, generation int64, stamp time.Time) io.WriteCloser {
	w := newMemWriter(ctx, m, name, contentType, true, generation)
	w.stamp = stamp
	return w
}

// NewReader opens name.
func (m *Memory) NewReader(_ context.Context, name string) (io.ReadCloser, error) {
	o, err := m.get(name)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return io.NopCloser(bytes.NewReader(o.data)), nil
}

// List yields the objects under prefix in name order.
func (m *Memory) List(_ context.Context, prefix string) iter.Seq2[Attrs, error] {
	m.mu.Lock()
	var found []Attrs
	for name, o := range m.objects {
		if strings.HasPrefix(name, prefix) {
			found = append(found, o.attrs)
		}
	}
	m.mu.Unlock()
	slices.SortFunc(found, func(a, b Attrs) int { return strings.Compare(a.Name, b.Name) })
	return func(yield func(Attrs, error) bool) {
		for _, a := range found {
			if !yield(a, nil) {
				return
			}
		}
	}
}

// SetCustomTime sets name's Custom-Time.
func (m *Memory) SetCustomTime(_ context.Context, name string, t time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	o, ok := m.objects[name]
	if !ok {
		return fmt.Errorf("set custom time of %s: %w", name, ErrNotExist)
	}
	o.attrs.CustomTime = t
	m.objects[name] = o
	return nil
}

// Delete removes name.
func (m *Memory) Delete(_ context.Context, name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.objects[name]; !ok {
		return fmt.Errorf("delete %s: %w", name, ErrNotExist)
	}
	delete(m.objects, name)
	return nil
}

// Attrs describes name.
func (m *Memory) Attrs(_ context.Context, name string) (Attrs, error) {
	o, err := m.get(name)
	if err != nil {
		return Attrs{}, fmt.Errorf("attributes of %s: %w", name, err)
	}
	return o.attrs, nil
}

func (m *Memory) get(name string) (memObject, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	o, ok := m.objects[name]
	if !ok {
		return memObject{}, ErrNotExist
	}
	return o, nil
}

// memWriter checksums the content, keeps it if keep, and stores the object
// on Close unless the context was cancelled.
type memWriter struct {
	ctx         context.Context
	m           *Memory
	name        string
	contentType string
	keep        bool
	ifGen       int64 // the generation the object must be at; -1 for any
	stamp       time.Time
	buf         bytes.Buffer
	size        int64
	md5         hash.Hash
	crc         uint32
	closed      bool
}

func newMemWriter(ctx context.Context, m *Memory, name, contentType string, keep bool, ifGen int64) *memWriter {
	return &memWriter{ctx: ctx, m: m, name: name, contentType: contentType, keep: keep, ifGen: ifGen, md5: md5.New()}
}

func (w *memWriter) Write(p []byte) (int, error) {
	if w.closed {
		return 0, fmt.Errorf("upload %s: writer closed", w.name)
	}
	if err := w.ctx.Err(); err != nil {
		return 0, fmt.Errorf("upload %s: %w", w.name, err)
	}
	w.md5.Write(p)
	w.crc = crc32.Update(w.crc, castagnoli, p)
	w.size += int64(len(p))
	if w.keep {
		w.buf.Write(p)
	}
	return len(p), nil
}

func (w *memWriter) Close() error {
	if w.closed {
		return fmt.Errorf("upload %s: writer closed", w.name)
	}
	w.closed = true
	if err := w.ctx.Err(); err != nil {
		return fmt.Errorf("upload %s: %w", w.name, err)
	}
	o := memObject{attrs: Attrs{Name: w.name, Size: w.size, ContentType: w.contentType,
		MD5: w.md5.Sum(nil), CRC32C: w.crc, Updated: w.m.now(), CustomTime: w.stamp}}
	if w.keep {
		o.data = bytes.Clone(w.buf.Bytes())
		if o.data == nil {
			o.data = []byte{}
		}
	}
	w.m.mu.Lock()
	defer w.m.mu.Unlock()
	if w.ifGen >= 0 && w.m.objects[w.name].attrs.Generation != w.ifGen {
		return fmt.Errorf("upload %s: %w", w.name, ErrPrecondition)
	}
	w.m.gen++
	o.attrs.Generation = w.m.gen
	w.m.objects[w.name] = o
	return nil
}
