package blob

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"cloud.google.com/go/storage"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/iterator"
	"google.golang.org/api/option"
	"google.golang.org/api/option/internaloption"
	htransport "google.golang.org/api/transport/http"
)

// DefaultChunkSize is the resumable upload chunk size when GCSOptions leaves
// it 0: each upload buffers one chunk in memory.
const DefaultChunkSize = 8 << 20

// GCSOptions configure a GCS bucket.
type GCSOptions struct {
	// ChunkSize is the size of each resumable upload request, rounded up
	// by the client to a multiple of 256 KiB; 0 means DefaultChunkSize.
	ChunkSize int
}

// GCS is a bucket in Cloud Storage.
type GCS struct {
	client *storage.Client
	bucket *storage.BucketHandle
	name   string
	chunk  int
	owned  bool // Close closes the client
	// stamps, when set, is an authorised client of the JSON API, for
	// SetCustomTime (see OpenGCS), and endpoint its base URL.
	stamps   *http.Client
	endpoint string
}

var _ Bucket = (*GCS)(nil)

// NewGCS returns the bucket named bucket, reached through client.
func NewGCS(client *storage.Client, bucket string, o GCSOptions) *GCS {
	if o.ChunkSize <= 0 {
		o.ChunkSize = DefaultChunkSize
	}
	return &GCS{client: client, bucket: client.Bucket(bucket), name: bucket, chunk: o.ChunkSize}
}

// OpenGCS creates a client with the default credentials, or the emulator
// named by STORAGE_EMULATOR_HOST, and returns the bucket. Close releases
// the client.
//
// Beside the storage client it makes an authorised HTTP client of the JSON
// API, with the same credentials, for SetCustomTime: an assembly stamps
// every object of an export (21,000 for 10,000 accounts), and the storage
// client's update sends and decodes the whole object each time, which
// nearly doubled the CPU of an assembly. Measured per stamp on two cores,
// against the emulator: 290 µs through the storage client, 218 µs through
// the JSON API's generated client asking for the generation alone, 151 µs
// for the same PATCH sent as it is here. Neither client's telemetry is
// used, so both are made without it.
func OpenGCS(ctx context.Context, bucket string, o GCSOptions, opts ...option.ClientOption) (*GCS, error) {
	opts = append(slices.Clip(opts), option.WithTelemetryDisabled())
	client, err := storage.NewClient(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("open bucket %s: %w", bucket, err)
	}
	// As the JSON API's generated client is made (storage/v1 NewService).
	hopts := append([]option.ClientOption{internaloption.WithDefaultScopes(storage.ScopeFullControl)}, emulated()...)
	hopts = append(hopts, opts...)
	hopts = append(hopts, internaloption.WithDefaultEndpoint(jsonAPI), internaloption.EnableNewAuthLibrary())
	hc, endpoint, err := htransport.NewClient(ctx, hopts...)
	if err != nil {
		client.Close()
		return nil, fmt.Errorf("open bucket %s: %w", bucket, err)
	}
	g := NewGCS(client, bucket, o)
	g.owned, g.stamps, g.endpoint = true, hc, cmp.Or(endpoint, jsonAPI)
	if !strings.HasSuffix(g.endpoint, "/") {
		g.endpoint += "/"
	}
	return g, nil
}

// jsonAPI is the base URL of Cloud Storage's JSON API.
const jsonAPI = "https://storage.googleapis.com/storage/v1/"

// emulated are the options that point the JSON API's client at the
// emulator STORAGE_EMULATOR_HOST names, as the storage client does by
// itself: its endpoint, without credentials. Options given after them
// (an explicit endpoint) win.
func emulated() []option.ClientOption {
	host := os.Getenv("STORAGE_EMULATOR_HOST")
	if host == "" {
		return nil
	}
	if !strings.Contains(host, "://") {
		host = "http://" + host
	}
	return []option.ClientOption{option.WithEndpoint(strings.TrimSuffix(host, "/") + "/storage/v1/"), option.WithoutAuthentication()}
}

// Close closes the client if OpenGCS created it.
func (g *GCS) Close() error {
	if !g.owned {
		return nil
	}
	if g.stamps != nil {
		g.stamps.CloseIdleConnections()
	}
	return g.client.Close()
}

// NewWriter starts a resumable upload.
func (g *GCS) NewWriter(ctx context.Context, name, contentType string) io.WriteCloser {
	return g.newWriter(ctx, g.bucket.Object(name), name, contentType)
}

// NewWriterIf starts a resumable upload with ifGenerationMatch.
func (g *GCS) NewWriterIf(ctx context.Context, name, contentType string, generation int64) io.WriteCloser {
	return g.newWriter(ctx, g.bucket.Object(name).If(atGeneration(generation)), name, contentType)
}

// atGeneration is the condition that the object is at generation (0:
// that it does not exist).
func atGeneration(generation int64) storage.Conditions {
	if generation == 0 {
		return storage.Conditions{DoesNotExist: true}
	}
	return storage.Conditions{GenerationMatch: generation}
}

// NewWriterStamped is NewWriterIf with the object's Custom-Time in the
// upload's metadata.
func (g *GCS) NewWriterStamped(ctx context.Context, name, contentType string, generation int64, stamp time.Time) io.WriteCloser {
	w := g.newWriter(ctx, g.bucket.Object(name).If(atGeneration(generation)), name, contentType)
	w.(*gcsWriter).w.CustomTime = stamp
	return w
}

func (g *GCS) newWriter(ctx context.Context, o *storage.ObjectHandle, name, contentType string) io.WriteCloser {
	w := o.NewWriter(ctx)
	w.ChunkSize = g.chunk
	w.ContentType = contentType
	return &gcsWriter{ctx: ctx, w: w, name: g.objectName(name)}
}

type gcsWriter struct {
	ctx  context.Context
	w    *storage.Writer
	name string
}

func (w *gcsWriter) Write(p []byte) (int, error) {
	n, err := w.w.Write(p)
	if err != nil {
		return n, fmt.Errorf("upload %s: %w", w.name, err)
	}
	return n, nil
}

func (w *gcsWriter) Close() error {
	// The client aborts a cancelled upload from a goroutine of its own;
	// closing before it runs would finalise the object, so do not.
	if err := w.ctx.Err(); err != nil {
		return fmt.Errorf("upload %s abandoned: %w", w.name, err)
	}
	if err := w.w.Close(); err != nil {
		return fmt.Errorf("upload %s: %w", w.name, translate(err))
	}
	return nil
}

// NewReader opens name.
func (g *GCS) NewReader(ctx context.Context, name string) (io.ReadCloser, error) {
	r, err := g.bucket.Object(name).NewReader(ctx)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", g.objectName(name), translate(err))
	}
	return r, nil
}

// List yields the objects under prefix in name order.
func (g *GCS) List(ctx context.Context, prefix string) iter.Seq2[Attrs, error] {
	return func(yield func(Attrs, error) bool) {
		q := &storage.Query{Prefix: prefix}
		if err := q.SetAttrSelection([]string{"Name", "Size", "ContentType", "MD5", "CRC32C", "Updated", "Generation", "CustomTime"}); err != nil {
			yield(Attrs{}, fmt.Errorf("list %s: %w", g.objectName(prefix), err))
			return
		}
		it := g.bucket.Objects(ctx, q)
		for {
			a, err := it.Next()
			if errors.Is(err, iterator.Done) {
				return
			}
			if err != nil {
				yield(Attrs{}, fmt.Errorf("list %s: %w", g.objectName(prefix), translate(err)))
				return
			}
			if !yield(attrsOf(a), nil) {
				return
			}
		}
	}
}

// Delete removes name.
func (g *GCS) Delete(ctx context.Context, name string) error {
	if err := g.bucket.Object(name).Delete(ctx); err != nil {
		return fmt.Errorf("delete %s: %w", g.objectName(name), translate(err))
	}
	return nil
}

// Attrs describes name.
func (g *GCS) Attrs(ctx context.Context, name string) (Attrs, error) {
	a, err := g.bucket.Object(name).Attrs(ctx)
	if err != nil {
		return Attrs{}, fmt.Errorf("attributes of %s: %w", g.objectName(name), translate(err))
	}
	return attrsOf(a), nil
}

func attrsOf(a *storage.ObjectAttrs) Attrs {
	return Attrs{Name: a.Name, Size: a.Size, ContentType: a.ContentType, MD5: a.MD5, CRC32C: a.CRC32C, Updated: a.Updated,
		CustomTime: a.CustomTime, Generation: a.Generation}
}

// SetCustomTime sets name's Custom-Time.
func (g *GCS) SetCustomTime(ctx context.Context, name string, t time.Time) error {
	var err error
	if g.stamps != nil {
		err = g.patchCustomTime(ctx, name, t)
	} else {
		_, err = g.bucket.Object(name).Update(ctx, storage.ObjectAttrsToUpdate{CustomTime: t})
	}
	if err != nil {
		return fmt.Errorf("set custom time of %s: %w", g.objectName(name), translate(err))
	}
	return nil
}

// patchCustomTime sends objects.patch with the Custom-Time alone, as the
// storage client sends it (RFC 3339, to the second), and asks for the
// generation alone back.
func (g *GCS) patchCustomTime(ctx context.Context, name string, t time.Time) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPatch, g.endpoint+g.patchPath(name), strings.NewReader(customTime(t)))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := g.stamps.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := googleapi.CheckResponse(resp); err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

// patchPath is the path and query of a Custom-Time patch of name, after the
// JSON API's base URL.
func (g *GCS) patchPath(name string) string {
	return "b/" + url.PathEscape(g.name) + "/o/" + url.PathEscape(name) + "?fields=generation&prettyPrint=false"
}

func customTime(t time.Time) string { return `{"customTime":"` + t.UTC().Format(time.RFC3339) + `"}` }

// StampBatch is how many objects SetCustomTimes stamps in one request:
// Cloud Storage takes at most 100 calls in a batch.
const StampBatch = 100

// SetCustomTimes sets the Custom-Time of each of names, StampBatch in one
// batch request of the JSON API (storage/docs/batch): an assembly stamps
// every object of an export, and one request an object cost it half its
// CPU (21,000 requests for 10,000 accounts). A call the batch answers with
// an error fails it, naming its object; the calls before it took effect.
func (g *GCS) SetCustomTimes(ctx context.Context, names []string, t time.Time) error {
	for len(names) > 0 {
		n := min(len(names), StampBatch)
		var err error
		if g.stamps == nil {
			for _, name := range names[:n] {
				if err = g.SetCustomTime(ctx, name, t); err != nil {
					break
				}
			}
		} else {
			err = g.batchCustomTimes(ctx, names[:n], t)
		}
		if err != nil {
			return err
		}
		names = names[n:]
	}
	return nil
}

func (g *GCS) batchCustomTimes(ctx context.Context, names []string, t time.Time) error {
	base, err := url.Parse(g.endpoint)
	if err != nil {
		return err
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	patch := customTime(t)
	for i, name := range names {
		pw, err := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {"application/http"}, "Content-ID": {"<" + strconv.Itoa(i) + ">"}})
		if err != nil {
			return err
		}
		fmt.Fprintf(pw, "PATCH %s%s HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
			base.EscapedPath(), g.patchPath(name), len(patch), patch)
	}
	if err := mw.Close(); err != nil {
		return err
	}
	batchURL := base.Scheme + "://" + base.Host + "/batch" + strings.TrimSuffix(base.EscapedPath(), "/")
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, batchURL, &body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "multipart/mixed; boundary="+mw.Boundary())
	resp, err := g.stamps.Do(req)
	if err != nil {
		return fmt.Errorf("set custom time of %d objects of gs://%s: %w", len(names), g.name, err)
	}
	defer resp.Body.Close()
	if err := googleapi.CheckResponse(resp); err != nil {
		return fmt.Errorf("set custom time of %d objects of gs://%s: %w", len(names), g.name, translate(err))
	}
	_, params, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if err != nil || params["boundary"] == "" {
		return fmt.Errorf("set custom time of %d objects of gs://%s: the batch's answer is %q, not multipart", len(names), g.name, resp.Header.Get("Content-Type"))
	}
	mr := multipart.NewReader(resp.Body, params["boundary"])
	answered := map[int]bool{}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("set custom time of %d objects of gs://%s: reading the answer: %w", len(names), g.name, err)
		}
		// "<response-N>" answers the call "<N>".
		id := strings.TrimSuffix(strings.TrimPrefix(p.Header.Get("Content-ID"), "<"), ">")
		i, err := strconv.Atoi(strings.TrimPrefix(id, "response-"))
		if err != nil || i < 0 || i >= len(names) {
			return fmt.Errorf("set custom time of gs://%s: the batch answered an unknown call %q", g.name, p.Header.Get("Content-ID"))
		}
		res, err := http.ReadResponse(bufio.NewReader(p), nil)
		if err != nil {
			return fmt.Errorf("set custom time of %s: reading the answer: %w", g.objectName(names[i]), err)
		}
		err = googleapi.CheckResponse(res)
		res.Body.Close()
		if err != nil {
			return fmt.Errorf("set custom time of %s: %w", g.objectName(names[i]), translate(err))
		}
		answered[i] = true
	}
	if len(answered) != len(names) {
		return fmt.Errorf("set custom time of %d objects of gs://%s: the batch answered %d of them", len(names), g.name, len(answered))
	}
	return nil
}

func (g *GCS) objectName(name string) string { return "gs://" + g.name + "/" + name }

// translate maps the client's not-found errors to ErrNotExist.
func translate(err error) error {
	if errors.Is(err, storage.ErrObjectNotExist) || errors.Is(err, storage.ErrBucketNotExist) {
		return fmt.Errorf("%w: %w", ErrNotExist, err)
	}
	var ge *googleapi.Error
	if errors.As(err, &ge) && ge.Code == http.StatusPreconditionFailed {
		return fmt.Errorf("%w: %w", ErrPrecondition, err)
	}
	if errors.As(err, &ge) && ge.Code == http.StatusNotFound { // patchCustomTime's
		return fmt.Errorf("%w: %w", ErrNotExist, err)
	}
	return err
}
