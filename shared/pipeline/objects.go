package pipeline

import (
	"context"
	"io"

	"github.com/orgexport/orgexport/shared/archive"
	"github.com/orgexport/orgexport/shared/export"
)

// count adds a part's per-product counts to the account.
func count(a *export.Account, jobs []job, sum archive.Summary, errs map[export.Product]string) {
	if a.Products == nil {
		a.Products = map[string]export.ProductCount{}
	}
	for _, j := range jobs {
		prod := j.c.Product()
		pc := a.Products[string(prod)]
		pc.Files += int64(sum.Items[prod])
		pc.Failed += int64(sum.Failed[prod])
		pc.Deleted += int64(sum.Deleted[prod])
		pc.Retried = j.how
		if msg, ok := errs[prod]; ok {
			pc.Note = msg
		}
		a.Products[string(prod)] = pc
		a.Files += int64(sum.Items[prod])
		a.FailedItems += int64(sum.Failed[prod])
		a.Deleted += int64(sum.Deleted[prod])
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
