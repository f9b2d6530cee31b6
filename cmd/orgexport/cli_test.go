package main

import (
	"bytes"
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cloud.google.com/go/storage"

	"github.com/orgexport/orgexport/emulators/gcs"
)

const testBucket = "orgexport-archive"

// One in-process Cloud Storage emulator and one fixture archive serve the
// package's tests; every test downloads into its own folder.
var (
	gcsOnce sync.Once
	gcsSrv  *gcs.Server
	gcsErr  error
	fix     *fixture
)

func TestMain(m *testing.M) {
	code := m.Run()
	if gcsSrv != nil {
		gcsSrv.Stop()
	}
	os.Exit(code)
}

// bucket starts the emulator and writes the fixture on first use, and
// points the storage client at the emulator.
func bucket(t *testing.T) *fixture {
	t.Helper()
	gcsOnce.Do(func() {
		gcsSrv, gcsErr = gcs.Start(gcs.Options{Buckets: []string{testBucket}})
		if gcsErr != nil {
			return
		}
		os.Setenv(gcs.EnvStorage, gcsSrv.HostPort())
		ctx := context.Background()
		c, err := storage.NewClient(ctx)
		if err != nil {
			gcsErr = err
			return
		}
		defer c.Close()
		fix = writeFixture(ctx, t, c, testBucket, 12<<20)
	})
	if gcsErr != nil {
		t.Fatal(gcsErr)
	}
	t.Setenv(gcs.EnvStorage, gcsSrv.HostPort())
	return fix
}

// result is one run of the command.
type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return "exit " + string(rune('0'+r.code)) + "\nstdout:\n" + r.stdout + "\nstderr:\n" + r.stderr
}

// cli runs the command line in process, as a user would in a shell.
func cli(ctx context.Context, t *testing.T, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdout: &out, stderr: &errb, getenv: func(string) string { return "" }, configDir: t.TempDir()}
	code := run(ctx, e, args)
	return result{code, out.String(), errb.String()}
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// download copies the fixture directly into a new folder.
func download(t *testing.T, f *fixture) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "archive")
	if r := cli(testCtx(t), t, "download", "--direct", f.source(), dir); r.code != 0 {
		t.Fatalf("download: %v", r)
	}
	return dir
}

func TestDownloadVerifyUnpack(t *testing.T) {
	f := bucket(t)
	dir := download(t, f)
	ctx := testCtx(t)
	if r := cli(ctx, t, "verify", dir); r.code != 0 || !strings.Contains(r.stdout, "0 problems") {
		t.Fatalf("verify of a fresh download: %v", r)
	}
	out := filepath.Join(t.TempDir(), "out")
	r := cli(ctx, t, "unpack", dir, out)
	if r.code != 0 {
		t.Fatalf("unpack: %v", r)
	}
	mbox := filepath.Join(out, "users", "alice@example.com", "Mail", "All mail Including Spam and Trash.mbox")
	got, err := os.ReadFile(mbox)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, f.mailbox()) {
		t.Errorf("the mailbox across three parts is not one mbox of the messages in order:\n%s", got)
	}
	if ms, _ := filepath.Glob(filepath.Join(filepath.Dir(mbox), "*-[0-9].mbox")); len(ms) > 0 {
		t.Errorf("continuations left as files: %v", ms)
	}
	fi, err := os.Stat(filepath.Join(out, "users", "alice@example.com", "Drive", "notes.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2024, 3, 1, 12, 30, 0, 0, time.UTC); !fi.ModTime().Equal(want) {
		t.Errorf("notes.txt modified %v, want the entry's time %v", fi.ModTime(), want)
	}
	if _, err := os.Stat(filepath.Join(out, "groups", "sales@example.com", "Groups", "info.json")); err != nil {
		t.Error(err)
	}
	// Again: existing files are kept unless asked.
	if r := cli(ctx, t, "unpack", dir, out); r.code != exitUsage || !strings.Contains(r.stderr, "--overwrite") {
		t.Errorf("unpack over an earlier unpack: %v", r)
	}
	if r := cli(ctx, t, "unpack", "--overwrite", dir, out); r.code != 0 {
		t.Errorf("unpack --overwrite: %v", r)
	}
	if got, _ := os.ReadFile(mbox); !bytes.Equal(got, f.mailbox()) {
		t.Error("the mailbox after --overwrite is not the messages once each")
	}
}

// A second run skips what is complete (checked by CRC32C) and copies
// nothing.
func TestDownloadAgainSkipsCompleteObjects(t *testing.T) {
	f := bucket(t)
	dir := download(t, f)
	r := cli(testCtx(t), t, "download", "--direct", f.source(), dir)
	if r.code != 0 || !strings.Contains(r.stderr, " 0 copied") || strings.Contains(r.stderr, " 0 already complete") {
		t.Fatalf("second download: %v", r)
	}
	// A damaged complete file is found by its CRC32C and copied again.
	notes := filepath.Join(dir, "report.html")
	os.WriteFile(notes, []byte("not the report"), 0o644)
	r = cli(testCtx(t), t, "download", "--direct", f.source(), dir)
	if r.code != 0 || !strings.Contains(r.stderr, " 1 copied") {
		t.Fatalf("download over a damaged file: %v", r)
	}
	if r := cli(testCtx(t), t, "verify", dir); r.code != 0 {
		t.Fatalf("verify: %v", r)
	}
}

// cutter is a proxy in front of the emulator that, once limit bytes of
// object data went through, stops sending and reports it on reached: the
// test then interrupts the run, as a user pressing Ctrl-C would.
type cutter struct {
	limit   atomic.Int64
	n       atomic.Int64
	once    sync.Once
	reached chan struct{}
	release chan struct{}
}

func (c *cutter) handler() http.Handler {
	target, _ := url.Parse(gcsSrv.URL())
	p := httputil.NewSingleHostReverseProxy(target)
	director := p.Director
	p.Director = func(r *http.Request) {
		director(r)
		r.Host = target.Host // the emulator routes by host
	}
	p.ErrorLog = log.New(io.Discard, "", 0) // the cut is on purpose
	p.ModifyResponse = func(resp *http.Response) error {
		resp.Body = &cutBody{ReadCloser: resp.Body, c: c}
		return nil
	}
	return p
}

type cutBody struct {
	io.ReadCloser
	c *cutter
}

func (b *cutBody) Read(p []byte) (int, error) {
	if b.c.n.Load() > b.c.limit.Load() {
		b.c.once.Do(func() { close(b.c.reached) })
		<-b.c.release
		return 0, io.ErrUnexpectedEOF
	}
	p = p[:min(len(p), 64<<10)]
	n, err := b.ReadCloser.Read(p)
	b.c.n.Add(int64(n))
	return n, err
}

func TestInterruptedDownloadResumes(t *testing.T) {
	f := bucket(t)
	// Largest first, one at a time: alice's part is copied whole, then the
	// run stops half-way through bob's.
	c := &cutter{reached: make(chan struct{}), release: make(chan struct{})}
	c.limit.Store(int64(f.big) + int64(f.big)/6)
	proxy := httptest.NewServer(c.handler())
	defer proxy.Close()
	t.Setenv(gcs.EnvStorage, strings.TrimPrefix(proxy.URL, "http://"))
	dir := filepath.Join(t.TempDir(), "archive")

	ctx, cancel := context.WithCancel(testCtx(t))
	go func() {
		<-c.reached
		partial := filepath.Join(dir, filepath.FromSlash(bob1)) + partialSuffix
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if fi, err := os.Stat(partial); err == nil && fi.Size() > 0 {
				break
			}
		}
		cancel()
		close(c.release)
	}()
	r := cli(ctx, t, "download", "--direct", "--parallel", "1", f.source(), dir)
	if r.code != exitIncomplete {
		t.Fatalf("interrupted download: want exit 3, got %v", r)
	}
	partials, _ := filepath.Glob(filepath.Join(dir, "users", "*", "*"+partialSuffix))
	if len(partials) != 1 {
		t.Fatalf("want the big part left partial, found %v", partials)
	}
	if r := cli(testCtx(t), t, "verify", dir); r.code != exitVerify || !strings.Contains(r.stdout, "only partly downloaded") {
		t.Errorf("verify of an interrupted download: %v", r)
	}
	fi, _ := os.Stat(partials[0])
	have := fi.Size()

	c.limit.Store(1 << 62)
	before := c.n.Load()
	r = cli(testCtx(t), t, "download", "--direct", "--parallel", "1", f.source(), dir)
	if r.code != 0 {
		t.Fatalf("resumed download: %v", r)
	}
	moved := c.n.Load() - before
	t.Logf("first run left %d of %d bytes; the second read %d bytes:\n%s", have, f.big/3, moved, r.stderr)
	// The resumed run reads the rest of bob's part, not all of it again,
	// and not alice's, plus the manifest and the small objects.
	if rest := int64(f.big)/3 - have; have == 0 || moved > rest+64<<10 {
		t.Errorf("the resumed run read %d bytes; %d were already there of a %d-byte part", moved, have, f.big/3)
	}
	if !strings.Contains(r.stderr, " 1 already complete") {
		t.Errorf("the resumed run did not skip alice's part: %v", r)
	}
	if r := cli(testCtx(t), t, "verify", dir); r.code != 0 {
		t.Errorf("verify after resuming: %v", r)
	}
}
