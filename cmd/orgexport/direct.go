package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"cloud.google.com/go/storage"
	"google.golang.org/api/googleapi"

	"github.com/orgexport/orgexport/shared/manifest"
)

// directSource reads the bucket with the official client and Application
// Default Credentials (or the emulator named by STORAGE_EMULATOR_HOST): the
// admin needs read access to the bucket.
type directSource struct {
	bucket *storage.BucketHandle
	prefix string
}

func newDirectSource(ctx context.Context, loc location) (*directSource, func() error, error) {
	c, err := storage.NewClient(ctx)
	if err != nil {
		return nil, nil, accessError(fmt.Errorf("Cloud Storage client (Application Default Credentials: run gcloud auth application-default login): %w", err))
	}
	return &directSource{bucket: c.Bucket(loc.Bucket), prefix: loc.Prefix}, c.Close, nil
}

func (d *directSource) Manifest(ctx context.Context) ([]byte, *manifest.Entry, error) {
	o := d.bucket.Object(d.prefix + manifest.Name)
	attrs, err := o.Attrs(ctx)
	if err != nil {
		return nil, nil, classify(d.prefix+manifest.Name, err)
	}
	r, err := o.NewReader(ctx) // the client checks the whole object's CRC32C
	if err != nil {
		return nil, nil, classify(d.prefix+manifest.Name, err)
	}
	defer r.Close()
	b, err := io.ReadAll(io.LimitReader(r, 256<<20))
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", manifest.Name, err)
	}
	e := &manifest.Entry{Name: manifest.Name, Size: attrs.Size, CRC32C: fmt.Sprintf("%08x", attrs.CRC32C)}
	if len(attrs.MD5) > 0 {
		e.MD5 = fmt.Sprintf("%x", attrs.MD5)
	}
	return b, e, nil
}

func (d *directSource) Open(ctx context.Context, name string, offset int64) (io.ReadCloser, error) {
	r, err := d.bucket.Object(d.prefix+name).NewRangeReader(ctx, offset, -1)
	if err != nil {
		return nil, classify(name, err)
	}
	return r, nil
}

// classify marks what running again will not fix.
func classify(name string, err error) error {
	var ge *googleapi.Error
	switch {
	case errors.Is(err, storage.ErrObjectNotExist), errors.Is(err, storage.ErrBucketNotExist):
		return fmt.Errorf("%s: %w: not in the bucket (expired, or the wrong folder?)", name, errDenied)
	case errors.As(err, &ge) && (ge.Code == http.StatusUnauthorized || ge.Code == http.StatusForbidden):
		return fmt.Errorf("%s: %w: %s", name, errDenied, ge.Message)
	}
	return fmt.Errorf("%s: %w", name, err)
}
