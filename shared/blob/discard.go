package blob

import (
	"context"
	"fmt"
	"io"
	"iter"
	"time"
)

// Discard is a bucket that keeps no content: its writers only count and
// checksum what they are given, and Attrs, List and Delete see the result.
// It measures the export pipeline without a store's cost or memory.
type Discard struct {
	m *Memory
}

var _ Bucket = (*Discard)(nil)

// NewDiscard returns an empty Discard.
func NewDiscard() *Discard {
	return &Discard{m: &Memory{objects: map[string]memObject{}, now: time.Now}}
}

// NewWriter returns a writer that checksums and discards.
func (d *Discard) NewWriter(ctx context.Context, name, contentType string) io.WriteCloser {
	return newMemWriter(ctx, d.m, name, contentType, false, -1)
}

// NewWriterIf is NewWriter with Memory's condition.
func (d *Discard) NewWriterIf(ctx context.Context, name, contentType string, generation int64) io.WriteCloser {
	return newMemWriter(ctx, d.m, name, contentType, false, generation)
}

// NewWriterStamped is NewWriterIf of an object with Custom-Time stamp.
func (d *Discard) NewWriterStamped(ctx context.Context, name, contentType string, generation int64, stamp time.Time) io.WriteCloser {
	w := newMemWriter(ctx, d.m, name, contentType, false, generation)
	w.stamp = stamp
	return w
}

// NewReader fails: a Discard keeps no content.
func (d *Discard) NewReader(_ context.Context, name string) (io.ReadCloser, error) {
	return nil, fmt.Errorf("read %s: %w: a discard bucket keeps no content", name, ErrNotExist)
}

// List yields the objects written under prefix, in name order.
func (d *Discard) List(ctx context.Context, prefix string) iter.Seq2[Attrs, error] {
	return d.m.List(ctx, prefix)
}

// Delete forgets name.
func (d *Discard) Delete(ctx context.Context, name string) error { return d.m.Delete(ctx, name) }

// SetCustomTime sets name's Custom-Time.
func (d *Discard) SetCustomTime(ctx context.Context, name string, t time.Time) error {
	return d.m.SetCustomTime(ctx, name, t)
}

// Attrs describes what was written to name.
func (d *Discard) Attrs(ctx context.Context, name string) (Attrs, error) {
	return d.m.Attrs(ctx, name)
}
