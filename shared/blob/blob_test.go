package blob_test

import (
	"context"
	"crypto/md5"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"testing"

	"github.com/fsouza/fake-gcs-server/fakestorage"

	"github.com/orgexport/orgexport/emulators/gcs"
	"github.com/orgexport/orgexport/shared/blob"
	"github.com/orgexport/orgexport/shared/blob/blobtest"
)

func TestMemory(t *testing.T) {
	blobtest.Run(t, func(*testing.T) blob.Bucket { return blob.NewMemory() })
}

// fakeGCS starts fake-gcs-server on a local port for the test.
func fakeGCS(t *testing.T) *fakestorage.Server {
	t.Helper()
	srv, err := fakestorage.NewServerWithOptions(fakestorage.Options{Scheme: "http", Host: "127.0.0.1", Port: 0})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	return srv
}

var buckets atomic.Int64

func TestGCS(t *testing.T) {
	srv := fakeGCS(t)
	blobtest.Run(t, func(t *testing.T) blob.Bucket {
		name := fmt.Sprintf("bucket-%d", buckets.Add(1))
		srv.CreateBucketWithOpts(fakestorage.CreateBucketOpts{Name: name})
		return blob.NewGCS(srv.Client(), name, blob.GCSOptions{ChunkSize: 256 << 10})
	})
}

// TestOpenGCS runs the suite on the bucket deployed code opens, whose
// SetCustomTime is the JSON API's own PATCH.
func TestOpenGCS(t *testing.T) {
	srv, err := gcs.Start(gcs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	t.Setenv(gcs.EnvStorage, srv.HostPort())
	blobtest.Run(t, func(t *testing.T) blob.Bucket {
		name := fmt.Sprintf("bucket-%d", buckets.Add(1))
		srv.CreateBucket(name)
		b, err := blob.OpenGCS(context.Background(), name, blob.GCSOptions{ChunkSize: 256 << 10})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close() })
		return b
	})
}

// TestOpenGCSWithEmulatorHost reaches the server the way deployed code
// does locally: through STORAGE_EMULATOR_HOST.
func TestOpenGCSWithEmulatorHost(t *testing.T) {
	srv := fakeGCS(t)
	srv.CreateBucketWithOpts(fakestorage.CreateBucketOpts{Name: "exports"})
	t.Setenv("STORAGE_EMULATOR_HOST", srv.URL()[len("http://"):])
	ctx := context.Background()
	b, err := blob.OpenGCS(ctx, "exports", blob.GCSOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	w := b.NewWriter(ctx, "r/report.json", "application/json")
	io.WriteString(w, `{"ok":true}`)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	obj, err := srv.GetObject("exports", "r/report.json")
	if err != nil || string(obj.Content) != `{"ok":true}` {
		t.Fatalf("server holds %q, %v", obj.Content, err)
	}
}

func TestDiscardChecksumsOnly(t *testing.T) {
	ctx := context.Background()
	d := blob.NewDiscard()
	w := d.NewWriter(ctx, "a-001.zip", "application/zip")
	io.WriteString(w, "hello ")
	io.WriteString(w, "world")
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	a, err := d.Attrs(ctx, "a-001.zip")
	sum := md5.Sum([]byte("hello world"))
	if err != nil || a.Size != 11 || string(a.MD5) != string(sum[:]) {
		t.Errorf("attrs %+v, %v", a, err)
	}
	if _, err := d.NewReader(ctx, "a-001.zip"); !errors.Is(err, blob.ErrNotExist) {
		t.Errorf("NewReader = %v", err)
	}
}
