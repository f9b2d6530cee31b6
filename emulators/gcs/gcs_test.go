package gcs_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"google.golang.org/api/googleapi"

	"golang.org/x/sync/errgroup"
	"google.golang.org/api/option"

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

// Cloud Storage returns at most 1,000 objects a page, whatever maxResults
// asks for; the emulator does too, and the client still lists them all.
func TestListingsArePaged(t *testing.T) {
	srv, c := serve(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	const n = gcs.MaxListPage + 201
	bkt := c.Bucket("exports")
	var g errgroup.Group
	g.SetLimit(16)
	for i := range n {
		g.Go(func() error {
			w := bkt.Object(fmt.Sprintf("p/%05d", i)).NewWriter(ctx)
			w.Write([]byte("x"))
			return w.Close()
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		query string
		want  int
	}{{"", gcs.MaxListPage}, {"&maxResults=5000", gcs.MaxListPage}, {"&maxResults=10", 10}} {
		resp, err := http.Get(srv.URL() + "/storage/v1/b/exports/o?prefix=p/" + c.query)
		if err != nil {
			t.Fatal(err)
		}
		var page struct {
			Items         []json.RawMessage `json:"items"`
			NextPageToken string            `json:"nextPageToken"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != c.want || page.NextPageToken == "" {
			t.Errorf("list%s: %d objects, next page %q; want %d and a next page", c.query, len(page.Items), page.NextPageToken, c.want)
		}
	}
	if names := list(t, ctx, bkt, "p/"); len(names) != n {
		t.Errorf("the client listed %d objects; %d were written", len(names), n)
	}
}

// A fields parameter gets a partial response, as from Cloud Storage: the
// named fields only, nested ones by a(b) or a/b; a bad one gets 400. The
// client's listing with an attribute selection still pages through all.
func TestPartialResponses(t *testing.T) {
	srv, c := serve(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	bkt := c.Bucket("exports")
	const n = gcs.MaxListPage + 5
	var g errgroup.Group
	g.SetLimit(16)
	for i := range n {
		g.Go(func() error {
			w := bkt.Object(fmt.Sprintf("f/%05d", i)).NewWriter(ctx)
			w.ContentType = "application/zip"
			w.Write([]byte("zip"))
			return w.Close()
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	get := func(path string) (int, map[string]any) {
		t.Helper()
		resp, err := http.Get(srv.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var v map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return resp.StatusCode, v
	}
	if code, v := get("/storage/v1/b/exports/o/f%2F00001?fields=generation,size"); code != 200 || len(v) != 2 || v["generation"] == nil || v["size"] != "3" {
		t.Errorf("object with fields=generation,size: %d %v", code, v)
	}
	code, v := get("/storage/v1/b/exports/o?prefix=f/&maxResults=2&fields=nextPageToken,items(name,contentType)")
	items, _ := v["items"].([]any)
	if code != 200 || len(v) != 2 || len(items) != 2 || v["nextPageToken"] == nil {
		t.Fatalf("listing with fields: %d %v", code, v)
	}
	if item := items[0].(map[string]any); len(item) != 2 || item["name"] != "f/00000" || item["contentType"] != "application/zip" {
		t.Errorf("listed %v, want its name and content type only", item)
	}
	if code, v := get("/storage/v1/b/exports/o?prefix=f/&maxResults=1&fields=items/name"); code != 200 || len(v) != 1 {
		t.Errorf("listing with fields=items/name: %d %v", code, v)
	}
	if code, _ := get("/storage/v1/b/exports/o?fields=items(name"); code != http.StatusBadRequest {
		t.Errorf("a bad fields parameter: %d, want 400", code)
	}
	q := &storage.Query{Prefix: "f/"}
	q.SetAttrSelection([]string{"Name", "Generation"})
	listed := 0
	for it := bkt.Objects(ctx, q); ; listed++ {
		o, err := it.Next()
		if err == iterator.Done {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if o.Generation == 0 || o.Size != 0 {
			t.Fatalf("listed %s with generation %d and size %d; asked for the generation only", o.Name, o.Generation, o.Size)
		}
	}
	if listed != n {
		t.Errorf("the client listed %d objects with an attribute selection; %d were written", listed, n)
	}
}

// A batch request is answered call by call, in order, with each call's
// Content-ID; one of more than 100 calls, or not multipart, is refused.
func TestBatchRequests(t *testing.T) {
	srv, c := serve(t)
	ctx := context.Background()
	w := c.Bucket("exports").Object("b/a.zip").NewWriter(ctx)
	w.Write([]byte("zip"))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	send := func(calls ...string) (*http.Response, []byte) {
		t.Helper()
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		for i, call := range calls {
			pw, _ := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {"application/http"}, "Content-ID": {fmt.Sprintf("<c%d>", i)}})
			io.WriteString(pw, call)
		}
		mw.Close()
		resp, err := http.Post(srv.URL()+"/batch/storage/v1", "multipart/mixed; boundary="+mw.Boundary(), &body)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	patch := "PATCH /storage/v1/b/exports/o/b%2Fa.zip?fields=generation HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 37\r\n\r\n{\"customTime\":\"2026-11-29T08:30:00Z\"}"
	missing := "GET /storage/v1/b/exports/o/b%2Fmissing.zip HTTP/1.1\r\n\r\n"
	resp, body := send(patch, missing)
	_, params, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if resp.StatusCode != 200 || err != nil {
		t.Fatalf("batch: %s %q", resp.Status, resp.Header.Get("Content-Type"))
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	var got []string
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		res, err := http.ReadResponse(bufio.NewReader(p), nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		got = append(got, fmt.Sprintf("%s %d %s", p.Header.Get("Content-ID"), res.StatusCode, b))
	}
	if len(got) != 2 || !strings.HasPrefix(got[0], "<response-c0> 200 {\"generation\":") || !strings.HasPrefix(got[1], "<response-c1> 404") {
		t.Errorf("batch answers:\n%s", strings.Join(got, "\n"))
	}
	if a, err := c.Bucket("exports").Object("b/a.zip").Attrs(ctx); err != nil || !a.CustomTime.Equal(time.Date(2026, 11, 29, 8, 30, 0, 0, time.UTC)) {
		t.Errorf("after the batch: %v, %v", a, err)
	}
	var calls []string
	for range gcs.MaxBatch + 1 {
		calls = append(calls, missing)
	}
	if resp, body := send(calls...); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a batch of %d calls: %s %s", len(calls), resp.Status, body)
	}
	resp2, err := http.Post(srv.URL()+"/batch/storage/v1", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if resp2.StatusCode != http.StatusBadRequest {
		t.Errorf("a batch that is not multipart: %s", resp2.Status)
	}
}

// Custom-Time moves forward only: setting it again, or later, is taken;
// earlier is refused with 400, as Cloud Storage refuses it.
func TestCustomTimeOnlyMovesForward(t *testing.T) {
	_, c := serve(t)
	ctx := context.Background()
	o := c.Bucket("exports").Object("c/e/ålice/part-001.zip")
	w := o.NewWriter(ctx)
	w.Write([]byte("zip"))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 29, 8, 30, 0, 0, time.UTC)
	for _, step := range []struct {
		to time.Time
		ok bool
	}{{at, true}, {at, true}, {at.Add(time.Hour), true}, {at, false}} {
		_, err := o.Update(ctx, storage.ObjectAttrsToUpdate{CustomTime: step.to})
		var ge *googleapi.Error
		switch {
		case step.ok && err != nil:
			t.Errorf("custom time %v: %v", step.to, err)
		case !step.ok && !(errors.As(err, &ge) && ge.Code == http.StatusBadRequest):
			t.Errorf("custom time moved back to %v: %v, want 400", step.to, err)
		}
	}
	if a, err := o.Attrs(ctx); err != nil || !a.CustomTime.Equal(at.Add(time.Hour)) {
		t.Errorf("custom time %v (%v), want %v", a.CustomTime, err, at.Add(time.Hour))
	}
}

// serve starts the emulator with a bucket "exports" and a client of it
// that finds it by its endpoint, both stopped when the test ends.
func serve(t *testing.T) (*gcs.Server, *storage.Client) {
	t.Helper()
	srv, err := gcs.Start(gcs.Options{Buckets: []string{"exports"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	c, err := storage.NewClient(context.Background(), option.WithEndpoint(srv.URL()+"/storage/v1/"), option.WithoutAuthentication())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return srv, c
}
