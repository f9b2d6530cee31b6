package pipeline

import (
	"context"
	"io"

	"github.com/orgexport/orgexport/shared/archive"
	"github.com/orgexport/orgexport/shared/export"
)

// count adds a part's per-product counts to the account.
func count(a *export.Account, conns []Connector, sum archive.Summary, errs map[export.Product]string) {
	if a.Products == nil {
		a.Products = map[string]export.ProductCount{}
	}
	for _, c := range conns {
		pc := a.Products[string(c.Product())]
		pc.Files += int64(sum.Items[c.Product()])
		pc.Failed += int64(sum.Failed[c.Product()])
		if msg, ok := errs[c.Product()]; ok {
			pc.Note = msg
		}
		a.Products[string(c.Product())] = pc
		a.Files += int64(sum.Items[c.Product()])
		a.FailedItems += int64(sum.Failed[c.Product()])
	}
}

// lazyObject creates its object only when something is written, so a part
// without failures leaves no empty failures file.
type lazyObject struct {
	ctx         context.Context
	bucket      Bucket
	name        string
	contentType string
	generation  int64 // the object's generation when the part was claimed
	w           io.WriteCloser
	closed      bool
}

func (l *lazyObject) Write(b []byte) (int, error) {
	if l.w == nil {
		l.w = l.bucket.NewWriterIf(l.ctx, l.name, l.contentType, l.generation)
	}
	return l.w.Write(b)
}

func (l *lazyObject) Close() error {
	if l.w == nil || l.closed {
		return nil
	}
	l.closed = true
	return l.w.Close()
}

// committed is the object's name if it was written.
func (l *lazyObject) committed() string {
	if l.w == nil {
		return ""
	}
	return l.name
}
