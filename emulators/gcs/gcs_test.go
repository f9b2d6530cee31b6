package gcs_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"cloud.google.com/go/storage"
	"google.golang.org/api/iterator"

	"github.com/orgexport/orgexport/emulators/gcs"
)

// The official client, pointed at the emulator only by
// STORAGE_EMULATOR_HOST, writes a multi-chunk resumable upload, lists it
// and reads it back whole and by range.
func TestOfficialClientRoundTrip(t *testing.T) {
	begin := time.Now()
	srv, err := gcs.Start(gcs.Options{Buckets: []string{"exports"}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	t.Logf("fake-gcs-server answered after %v", time.Since(begin))
	for k, v := range srv.Env() {
		t.Setenv(k, v)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := storage.NewClient(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	data := make([]byte, 5<<20+123) // more than 20 chunks
	rand.NewChaCha8([32]byte{1}).Read(data)
	bkt := c.Bucket("exports")
	w := bkt.Object("c1/e1/users/alice@example.com/alice-001.zip").NewWriter(ctx)
	w.ChunkSize = 256 << 10
	w.ContentType = "application/zip"
	if _, err := io.Copy(w, bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("close upload: %v", err)
	}
	if w.Attrs().Size != int64(len(data)) {
		t.Fatalf("stored %d bytes, wrote %d", w.Attrs().Size, len(data))
	}
	names := list(t, ctx, bkt, "c1/e1/")
	if len(names) != 1 || names[0] != "c1/e1/users/alice@example.com/alice-001.zip" {
		t.Fatalf("listed %v", names)
	}
	r, err := bkt.Object(names[0]).NewReader(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	r.Close()
	if err != nil || sha256.Sum256(got) != sha256.Sum256(data) {
		t.Fatalf("read back %d bytes (err %v), differs from what was written", len(got), err)
	}
	rr, err := bkt.Object(names[0]).NewRangeReader(ctx, 1<<20, 10)
	if err != nil {
		t.Fatal(err)
	}
	part, _ := io.ReadAll(rr)
	rr.Close()
	if !bytes.Equal(part, data[1<<20:1<<20+10]) {
		t.Fatalf("range read %x", part)
	}
}

func list(t *testing.T, ctx context.Context, b *storage.BucketHandle, prefix string) []string {
	t.Helper()
	var names []string
	it := b.Objects(ctx, &storage.Query{Prefix: prefix})
	for {
		a, err := it.Next()
		if err == iterator.Done {
			return names
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, a.Name)
	}
}

// A fixed address is honoured and a second server cannot take it.
func TestFixedAddress(t *testing.T) {
	srv, err := gcs.Start(gcs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	if _, err := gcs.Start(gcs.Options{Addr: srv.HostPort()}); err == nil {
		t.Fatalf("second server on %s started", srv.HostPort())
	}
}

// With Root set, objects are files on disk, so they survive a restart of
// the emulator on the same root.
func TestRootKeepsObjectsAcrossRestart(t *testing.T) {
	root := t.TempDir()
	ctx := context.Background()
	write := func(srv *gcs.Server) {
		t.Setenv(gcs.EnvStorage, srv.HostPort())
		c, err := storage.NewClient(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		w := c.Bucket("exports").Object("a/b.txt").NewWriter(ctx)
		if _, err := io.WriteString(w, "kept"); err != nil || w.Close() != nil {
			t.Fatal("write failed")
		}
	}
	srv, err := gcs.Start(gcs.Options{Root: root, Buckets: []string{"exports"}})
	if err != nil {
		t.Fatal(err)
	}
	write(srv)
	srv.Stop()
	srv, err = gcs.Start(gcs.Options{Root: root})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	t.Setenv(gcs.EnvStorage, srv.HostPort())
	c, err := storage.NewClient(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r, err := c.Bucket("exports").Object("a/b.txt").NewReader(ctx)
	if err != nil {
		t.Fatalf("object lost across restart: %v", err)
	}
	defer r.Close()
	if b, _ := io.ReadAll(r); string(b) != "kept" {
		t.Fatalf("read %q", b)
	}
}
