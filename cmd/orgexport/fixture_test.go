package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/storage"
	"google.golang.org/api/iterator"

	"github.com/orgexport/orgexport/shared/archive"
	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/manifest"
	"github.com/orgexport/orgexport/shared/report"
	"github.com/orgexport/orgexport/shared/zipname"
)

// fixture is a small archive written to a bucket as the pipeline writes
// one: parts with their index and failures, report.json and .html, and
// manifest.json last.
type fixture struct {
	bucket, prefix string
	// messages are alice's mail, in order, as written across her parts.
	messages [][]byte
	// big is the size of alice's large stored Drive file; bob has one of a
	// third of that, so a download can be interrupted inside it.
	big int
}

const (
	fixtureCustomer = "C0fixture"
	fixtureExport   = "E0fixture"
)

// fixtureAccount is one account to write: its parts, each a function
// writing into the part writer.
type fixtureAccount struct {
	typ   export.AccountType
	id    string
	parts []func(pw *archive.PartWriter) error
}

func writeFixture(ctx context.Context, t *testing.T, c *storage.Client, bucket string, big int) *fixture {
	t.Helper()
	f := &fixture{bucket: bucket, prefix: fixtureCustomer + "/" + fixtureExport + "/", big: big}
	for i := range 5 {
		f.messages = append(f.messages, []byte(fmt.Sprintf("From: a%d@example.com\nSubject: message %d\n\nFrom the start, line %d.\n", i, i, i)))
	}
	bigData := make([]byte, big)
	_, _ = rand.Read(bigData)
	mtime := time.Date(2024, 3, 1, 12, 30, 0, 0, time.UTC)
	mbox := func(seg int, msgs ...int) func(pw *archive.PartWriter) error {
		return func(pw *archive.PartWriter) error {
			name := "Mail/All mail Including Spam and Trash.mbox"
			if seg > 1 {
				name = fmt.Sprintf("Mail/All mail Including Spam and Trash-%d.mbox", seg)
			}
			w, err := pw.Create(connector.Entry{Path: name, Modified: mtime})
			if err != nil {
				return err
			}
			for _, i := range msgs {
				fmt.Fprintf(w, "From a%d@example.com Fri Mar  1 12:30:00 2024\n", i)
				w.Write(mboxrd(f.messages[i]))
				io.WriteString(w, "\n")
				pw.Item(fmt.Sprintf("msg-%d", i))
			}
			return nil
		}
	}
	file := func(path, id string, data []byte, content connector.Content) func(pw *archive.PartWriter) error {
		return func(pw *archive.PartWriter) error {
			w, err := pw.Create(connector.Entry{Path: path, ItemID: id, Modified: mtime, Content: content})
			if err != nil {
				return err
			}
			_, err = w.Write(data)
			return err
		}
	}
	both := func(fns ...func(pw *archive.PartWriter) error) func(pw *archive.PartWriter) error {
		return func(pw *archive.PartWriter) error {
			for _, fn := range fns {
				if err := fn(pw); err != nil {
					return err
				}
			}
			return nil
		}
	}
	failDrive := func(pw *archive.PartWriter) error {
		pw.Fail(connector.Failure{Product: export.Drive, ItemID: "drive-lost", Path: "Drive/lost.txt", Reason: "The file is not downloadable (403)."})
		return nil
	}
	accounts := []fixtureAccount{
		{export.User, "alice@example.com", []func(*archive.PartWriter) error{
			both(mbox(1, 0, 1), file("Drive/notes.txt", "drive-notes", []byte("notes\n"), connector.Compressible)),
			both(mbox(2, 2, 3), file("Drive/video.mp4", "drive-video", bigData, connector.Compressed), failDrive),
			mbox(3, 4),
		}},
		{export.User, "bob@example.com", []func(*archive.PartWriter) error{
			both(file("Calendar/bob@example.com.ics", "event-1", []byte("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"), connector.Compressible),
				file("Drive/backup.zip", "drive-backup", bigData[:big/3], connector.Compressed)),
		}},
		{export.Group, "sales@example.com", []func(*archive.PartWriter) error{
			file("Groups/info.json", "group-sales", []byte(`{"email":"sales@example.com"}`), connector.Compressible),
		}},
	}
	var repAccounts []report.Account
	for _, a := range accounts {
		repAccounts = append(repAccounts, f.writeAccount(ctx, t, c, a))
	}
	rep, err := report.Build(report.Input{
		Export: report.Export{CustomerID: fixtureCustomer, Domain: "example.com", ExportID: fixtureExport, RequestedBy: "admin@example.com",
			RequestedAt: mtime, HoldEnd: mtime, CutOff: mtime, StartedAt: mtime, FinishedAt: mtime.Add(time.Hour), State: export.CompletedWithErrors},
		Accounts: func(yield func(report.Account, error) bool) {
			for _, a := range repAccounts {
				if !yield(a, nil) {
					return
				}
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	var js, html bytes.Buffer
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteHTML(&html); err != nil {
		t.Fatal(err)
	}
	f.put(ctx, t, c, "report.json", js.Bytes())
	f.put(ctx, t, c, "report.html", html.Bytes())
	f.writeManifest(ctx, t, c)
	return f
}

// mboxrd quotes "From " lines as the Gmail connector does.
func mboxrd(raw []byte) []byte {
	var b bytes.Buffer
	for line := range strings.SplitAfterSeq(string(raw), "\n") {
		if strings.HasPrefix(strings.TrimLeft(line, ">"), "From ") {
			b.WriteByte('>')
		}
		b.WriteString(line)
	}
	return b.Bytes()
}

// writeAccount writes an account's parts and returns it for the report,
// counted as the pipeline counts (items and failures per product).
func (f *fixture) writeAccount(ctx context.Context, t *testing.T, c *storage.Client, a fixtureAccount) report.Account {
	folder := a.typ.Folder() + "/" + zipname.Sanitize(a.id) + "/"
	ra := report.Account{Type: a.typ, ID: a.id}
	exported, failed := map[export.Product]int64{}, map[export.Product]int64{}
	var failures []connector.Failure
	for i, write := range a.parts {
		n := i + 1
		var zipBuf, idx, fails bytes.Buffer
		pw, err := archive.New(&zipBuf, archive.Options{Part: n, Index: &idx, Failures: &fails})
		if err != nil {
			t.Fatal(err)
		}
		if err := write(pw); err != nil {
			t.Fatal(err)
		}
		sum, err := pw.Close()
		if err != nil {
			t.Fatal(err)
		}
		for p, k := range sum.Items {
			exported[p] += int64(k)
		}
		for p, k := range sum.Failed {
			failed[p] += int64(k)
		}
		f.put(ctx, t, c, folder+archive.PartName(a.id, n), zipBuf.Bytes())
		f.put(ctx, t, c, folder+archive.IndexName(a.id, n), idx.Bytes())
		if fails.Len() > 0 {
			f.put(ctx, t, c, folder+archive.FailuresName(a.id, n), fails.Bytes())
			_ = archive.ReadFailures(bytes.NewReader(fails.Bytes()), func(fl connector.Failure) error {
				failures = append(failures, fl)
				return nil
			})
		}
		ra.Parts = append(ra.Parts, folder+archive.PartName(a.id, n))
	}
	for _, p := range export.Products {
		if exported[p] > 0 || failed[p] > 0 {
			ra.Products = append(ra.Products, report.ProductCount{Product: p, Exported: exported[p], Failed: failed[p]})
		}
	}
	if len(failures) > 0 {
		ra.Failures = func(yield func(connector.Failure, error) bool) {
			for _, fl := range failures {
				if !yield(fl, nil) {
					return
				}
			}
		}
	}
	return ra
}

func (f *fixture) put(ctx context.Context, t *testing.T, c *storage.Client, name string, data []byte) {
	t.Helper()
	w := c.Bucket(f.bucket).Object(f.prefix + name).NewWriter(ctx)
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("upload %s: %v", name, err)
	}
}

// writeManifest lists the objects with their stored checksums, and SHA-256
// for parts, as AssembleReport does.
func (f *fixture) writeManifest(ctx context.Context, t *testing.T, c *storage.Client) {
	m := manifest.Manifest{Version: 1, CustomerID: fixtureCustomer, ExportID: fixtureExport, GeneratedAt: "2024-03-01T13:30:00Z"}
	it := c.Bucket(f.bucket).Objects(ctx, &storage.Query{Prefix: f.prefix})
	for {
		a, err := it.Next()
		if err == iterator.Done {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		rel := strings.TrimPrefix(a.Name, f.prefix)
		if rel == manifest.Name {
			continue
		}
		e := manifest.Entry{Name: rel, Size: a.Size, MD5: hex.EncodeToString(a.MD5), CRC32C: fmt.Sprintf("%08x", a.CRC32C)}
		if strings.HasSuffix(rel, ".zip") {
			r, err := c.Bucket(f.bucket).Object(a.Name).NewReader(ctx)
			if err != nil {
				t.Fatal(err)
			}
			sum, err := manifest.File(r, true)
			r.Close()
			if err != nil {
				t.Fatal(err)
			}
			e.SHA256 = sum.SHA256
		}
		m.Objects = append(m.Objects, e)
	}
	b, _ := json.MarshalIndent(m, "", "  ")
	f.put(ctx, t, c, manifest.Name, b)
}

// source is gs://BUCKET/CUSTOMER/EXPORT of the fixture.
func (f *fixture) source() string {
	return "gs://" + f.bucket + "/" + strings.TrimSuffix(f.prefix, "/")
}

// mailbox is alice's mail as one mbox, as unpack must rebuild it.
func (f *fixture) mailbox() []byte {
	var b bytes.Buffer
	for i, m := range f.messages {
		fmt.Fprintf(&b, "From a%d@example.com Fri Mar  1 12:30:00 2024\n", i)
		b.Write(mboxrd(m))
		b.WriteString("\n")
	}
	return b.Bytes()
}
