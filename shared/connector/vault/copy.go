package vault

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"

	"google.golang.org/api/googleapi"
	"google.golang.org/api/storage/v1"
	"google.golang.org/api/vault/v1"

	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/zipname"
)

// filePath is where a Vault export's file goes in the account's zip:
// Vault/<corpus>/<export name>/<file name>.
func filePath(x *vault.Export, f *vault.CloudStorageFile) string {
	return zipname.Join("Vault", corpusFolder(queryCorpus(x)), zipname.Sanitize(x.Name), zipname.Sanitize(path.Base(f.ObjectName)))
}

func queryCorpus(x *vault.Export) string {
	if x.Query == nil {
		return ""
	}
	return x.Query.Corpus
}

// copier copies Vault's files into the zip. It remembers, within one part,
// which exports had a file that did not arrive whole.
type copier struct {
	st *storage.Service
	e  connector.Emitter
	// broken are the exports (by name) with a file that failed, so their
	// metadata's items are reported failed rather than exported. It is
	// kept in the cursor, as a later part may copy the metadata.
	broken []string
}

// copy copies one file. A file that cannot be read, or does not match its
// MD5, is reported as failed; only a failure to write the zip ends the
// export.
func (c *copier) copy(ctx context.Context, fl file) error {
	content := connector.Compressed
	if !strings.HasSuffix(fl.f.ObjectName, ".zip") {
		content = connector.Compressible
	}
	mod, _ := time.Parse(time.RFC3339, fl.export.CreateTime)
	w, err := c.e.Create(connector.Entry{Path: fl.path, Modified: mod, Content: content})
	if err != nil {
		return err
	}
	var items *docIDs
	sink := connector.Sink(w)
	if fl.metadata {
		items = newDocIDs()
		sink = io.MultiWriter(sink, items)
	}
	sum := md5.New()
	n, err := c.download(ctx, fl.f, io.MultiWriter(sink, sum))
	var werr *connector.WriteError
	switch {
	case errors.As(err, &werr) || ctx.Err() != nil:
		return err
	case err != nil:
		c.fail(fl, fmt.Sprintf("could not read it from Vault's bucket: %v", reason(err)))
	case fl.f.Size > 0 && n != fl.f.Size:
		c.fail(fl, fmt.Sprintf("Vault lists %d bytes but %d arrived", fl.f.Size, n))
	case !md5Matches(fl.f.Md5Hash, sum):
		c.fail(fl, fmt.Sprintf("its MD5 %x does not match the %s Vault lists", sum.Sum(nil), fl.f.Md5Hash))
	}
	if items == nil {
		return nil
	}
	ids, perr := items.done()
	if perr != nil && !slices.Contains(c.broken, fl.export.Name) {
		c.fail(fl, "is not readable EDRM XML ("+perr.Error()+")")
	}
	if unpacked(fl.export) {
		return c.unpackedItems(ctx, fl, items.docs)
	}
	for _, id := range ids {
		if slices.Contains(c.broken, fl.export.Name) {
			c.e.Fail(connector.Failure{Product: export.Vault, ItemID: id, Path: path.Dir(fl.path),
				Reason: "a file of the Vault export " + fl.export.Name + " that holds this item did not arrive whole (its own failure says why)"})
			continue
		}
		c.e.Item(id)
	}
	return nil
}

// unpackedItems: the files of an unpacked export were recorded as they
// were written (unpack); a document of its metadata in none of its zips
// is reported failed.
func (c *copier) unpackedItems(ctx context.Context, fl file, docs []document) error {
	inZips, err := held(ctx, c.st, fl.export)
	if err != nil {
		return err
	}
	for _, d := range docs {
		if inZips[d.zipName()] {
			continue
		}
		why := "Vault's metadata lists it, but none of the export's zip files holds it"
		if slices.Contains(c.broken, fl.export.Name) {
			why = "a file of the Vault export " + fl.export.Name + " that holds it could not be read (its own failure says why)"
		}
		c.e.Fail(connector.Failure{Product: export.Vault, ItemID: d.ID, Path: path.Dir(fl.path), Reason: why})
	}
	return nil
}

// fail reports a file as failed and marks its export broken.
func (c *copier) fail(fl file, why string) {
	msg := fmt.Sprintf("the Vault export file %s %s; the copy in the archive is not to be trusted", path.Base(fl.f.ObjectName), why)
	c.e.Fail(connector.Failure{Product: export.Vault, ItemID: fl.f.ObjectName, Path: fl.path, Reason: msg})
	if !slices.Contains(c.broken, fl.export.Name) {
		c.broken = append(c.broken, fl.export.Name)
	}
}

// download copies the object into w, resuming with a Range request where
// the body broke off.
func (c *copier) download(ctx context.Context, f *vault.CloudStorageFile, w io.Writer) (int64, error) {
	return connector.Download(ctx, "Cloud Storage", func(offset int64) (*http.Response, error) {
		call := c.st.Objects.Get(f.BucketName, f.ObjectName).Context(ctx)
		if offset > 0 {
			call.Header().Set("Range", fmt.Sprintf("bytes=%d-", offset))
		}
		return call.Download()
	}, w)
}

// md5Matches compares Vault's md5Hash, hex (as Vault writes it) or base64
// (as Cloud Storage does), with the sum of what arrived.
func md5Matches(want string, h hash.Hash) bool {
	got := h.Sum(nil)
	if b, err := hex.DecodeString(want); err == nil && len(b) == md5.Size {
		return bytes.Equal(b, got)
	}
	if b, err := base64.StdEncoding.DecodeString(want); err == nil && len(b) == md5.Size {
		return bytes.Equal(b, got)
	}
	return false
}

func reason(err error) string {
	var ge *googleapi.Error
	if errors.As(err, &ge) {
		return fmt.Sprintf("HTTP %d: %s", ge.Code, strings.TrimSpace(ge.Message))
	}
	return err.Error()
}

// docIDs reads the Document ids of Vault's EDRM metadata XML as it streams
// into the zip, without holding the file.
type docIDs struct {
	pw   *io.PipeWriter
	ids  []string
	docs []document // with the file of the zip each is in
	errc chan error
}

func newDocIDs() *docIDs {
	pr, pw := io.Pipe()
	d := &docIDs{pw: pw, errc: make(chan error, 1)}
	go func() {
		err := d.parse(pr)
		// Drain, so the writer never blocks on a parser that stopped.
		_, _ = io.Copy(io.Discard, pr)
		d.errc <- err
	}()
	return d
}

func (d *docIDs) Write(p []byte) (int, error) {
	n, err := d.pw.Write(p)
	if err != nil {
		return len(p), nil // the parser stopped; done() reports why
	}
	return n, nil
}

func (d *docIDs) parse(r io.Reader) error {
	dec := xml.NewDecoder(r)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		se, ok := tok.(xml.StartElement)
		switch {
		case !ok:
		case se.Name.Local == "Document":
			for _, at := range se.Attr {
				if at.Name.Local == "DocID" && at.Value != "" {
					d.ids = append(d.ids, at.Value)
					d.docs = append(d.docs, document{ID: at.Value})
				}
			}
		case se.Name.Local == "ExternalFile" && len(d.docs) > 0:
			doc := &d.docs[len(d.docs)-1]
			for _, at := range se.Attr {
				switch at.Name.Local {
				case "FilePath":
					doc.Path = at.Value
				case "FileName":
					doc.Name = at.Value
				case "Hash":
					doc.Hash = at.Value
				}
			}
		}
	}
}

// done ends the stream and returns the ids read.
func (d *docIDs) done() ([]string, error) {
	d.pw.Close()
	err := <-d.errc
	return d.ids, err
}

// copyAll copies the files of the completed exports from where the cursor
// says, then closes and deletes the matter.
func (r *run) copyAll(ctx context.Context) error {
	xs, err := listExports(ctx, r.svc, r.st.Matter)
	if err != nil {
		return fmt.Errorf("exports of matter %s: %w", r.st.Matter, err)
	}
	files := files(xs)
	if r.st.File > len(files) {
		return fmt.Errorf("vault: cursor at file %d of %d", r.st.File, len(files))
	}
	st, err := r.c.clients.Storage(ctx, r.a.Subject)
	if err != nil {
		return err
	}
	cp := &copier{st: st, e: r.e, broken: r.st.Broken}
	for i := r.st.File; i < len(files); i++ {
		fl := files[i]
		if unpacked(fl.export) && !fl.metadata && strings.HasSuffix(fl.f.ObjectName, ".zip") {
			err = r.unpack(ctx, cp, fl, i)
		} else {
			err = cp.copy(ctx, fl)
		}
		if err != nil {
			return err
		}
		if err := r.next(ctx, cursor{Stage: stageCopy, Matter: r.st.Matter, File: i + 1, Broken: cp.broken}); err != nil {
			return err
		}
	}
	if err := r.discard(ctx); err != nil {
		return err
	}
	return r.next(ctx, cursor{Stage: stageDone})
}
