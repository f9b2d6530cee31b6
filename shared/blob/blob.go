package blob

import (
	"context"
	"errors"
	"io"
	"iter"
	"time"
)

// ErrNotExist is returned (wrapped) for an object that does not exist.
var ErrNotExist = errors.New("object does not exist")

// ErrPrecondition is returned (wrapped) by the Close of a conditional
// upload when the object is no longer the generation it was written for:
// someone else wrote it meanwhile, and their object stays.
var ErrPrecondition = errors.New("object changed since it was read")

// Bucket is the port every implementation provides. Consumers declare the
// subset they use.
type Bucket interface {
	// NewWriter starts an upload of name. The object exists once Close
	// returns nil; cancelling ctx abandons it.
	NewWriter(ctx context.Context, name, contentType string) io.WriteCloser
	// NewWriterIf is NewWriter on the condition that name is at
	// generation when the upload completes (0: that it does not exist):
	// otherwise Close fails with ErrPrecondition and the object is left as
	// it is (Cloud Storage's ifGenerationMatch).
	NewWriterIf(ctx context.Context, name, contentType string, generation int64) io.WriteCloser
	// NewWriterStamped is NewWriterIf of an object that has Custom-Time
	// stamp from its creation (see SetCustomTime): an object written again
	// into an archive whose retention runs already is never without one.
	NewWriterStamped(ctx context.Context, name, contentType string, generation int64, stamp time.Time) io.WriteCloser
	// NewReader opens name for reading.
	NewReader(ctx context.Context, name string) (io.ReadCloser, error)
	// List yields the objects whose names start with prefix, in name order.
	List(ctx context.Context, prefix string) iter.Seq2[Attrs, error]
	// Delete removes name.
	Delete(ctx context.Context, name string) error
	// Attrs describes name.
	Attrs(ctx context.Context, name string) (Attrs, error)
	// SetCustomTime stamps name with a time that lifecycle rules can count
	// from (Cloud Storage's Custom-Time): the export's completion, so its
	// objects are kept 30 days from then (R12), whenever they were written.
	SetCustomTime(ctx context.Context, name string, t time.Time) error
}

// Attrs describe a stored object.
type Attrs struct {
	Name        string
	Size        int64
	ContentType string
	// MD5 and CRC32C (Castagnoli) of the content, as Cloud Storage reports
	// them.
	MD5     []byte
	CRC32C  uint32
	Updated time.Time
	// Generation changes every time the object is written.
	Generation int64
	// CustomTime is the object's Custom-Time, zero when it has none.
	CustomTime time.Time
}

// Deleter removes an export's objects (R12) from a bucket.
type Deleter struct{ Bucket Bucket }

// DeletePrefix deletes every object under prefix and counts them; an
// object already gone counts as deleted.
func (d Deleter) DeletePrefix(ctx context.Context, prefix string) (int, error) {
	n := 0
	for o, err := range d.Bucket.List(ctx, prefix) {
		if err != nil {
			return n, err
		}
		if err := d.Bucket.Delete(ctx, o.Name); err != nil && !errors.Is(err, ErrNotExist) {
			return n, err
		}
		n++
	}
	return n, nil
}
