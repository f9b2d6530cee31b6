package vault

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"

	"google.golang.org/api/storage/v1"
	"google.golang.org/api/vault/v1"

	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/zipname"
)

// The Drive files of suspended accounts (Drive lists them but serves none
// of their content) come through Vault, one DRIVE export per 100 accounts.
// Their zips are not copied whole: each file in them becomes an entry of
// its own, Vault/Drive/<export>/<account>/<Vault's file name>, with the
// bytes Vault delivers and the Drive file's id (the metadata's DocID) as
// its item, so the archive can be checked file by file against its source.
// Each file is checked against the SHA-256 the metadata lists for it (and
// the zip's CRC-32); the zip as a whole is read by ranges, not end to end,
// so its MD5 is not checked.

// suspendedDrivePrefix starts the names of the Drive exports of suspended
// accounts.
const suspendedDrivePrefix = "orgexport-drive-suspended-"

// unpacked reports whether the export's zips are unpacked file by file.
func unpacked(x *vault.Export) bool {
	return queryCorpus(x) == "DRIVE" && strings.HasPrefix(x.Name, suspendedDrivePrefix)
}

// document is one Document of Vault's EDRM metadata: its id and the file
// of the zip that holds it.
type document struct {
	ID, Path, Name, Hash string
}

// zipName is the document's name in the zip.
func (d document) zipName() string {
	if d.Path == "" {
		return d.Name
	}
	return d.Path + "/" + d.Name
}

// rangeReader reads a Cloud Storage object at offsets, a chunk per Range
// request, keeping the last chunk: archive/zip reads the central directory
// and then each file in turn, so most reads hit the chunk.
type rangeReader struct {
	ctx   context.Context
	st    *storage.Service
	f     *vault.CloudStorageFile
	off   int64
	chunk []byte
}

const rangeChunk = 8 << 20

func (r *rangeReader) ReadAt(p []byte, off int64) (int, error) {
	n := 0
	for n < len(p) {
		at := off + int64(n)
		if at >= r.f.Size {
			return n, io.EOF
		}
		if at < r.off || at >= r.off+int64(len(r.chunk)) {
			if err := r.fetch(at, max(int64(len(p)-n), rangeChunk)); err != nil {
				return n, err
			}
		}
		n += copy(p[n:], r.chunk[at-r.off:])
	}
	return n, nil
}

func (r *rangeReader) fetch(at, size int64) error {
	end := min(at+size, r.f.Size) - 1
	call := r.st.Objects.Get(r.f.BucketName, r.f.ObjectName).Context(r.ctx)
	call.Header().Set("Range", fmt.Sprintf("bytes=%d-%d", at, end))
	res, err := call.Download()
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusPartialContent && at > 0 {
		return fmt.Errorf("Cloud Storage answered %s to a range request", res.Status)
	}
	b, err := io.ReadAll(io.LimitReader(res.Body, end-at+1))
	if err != nil {
		return err
	}
	if int64(len(b)) != end-at+1 {
		return fmt.Errorf("Cloud Storage gave %d bytes of the %d asked at offset %d", len(b), end-at+1, at)
	}
	r.off, r.chunk = at, b
	return nil
}

func openZip(ctx context.Context, st *storage.Service, f *vault.CloudStorageFile) (*zip.Reader, error) {
	return zip.NewReader(&rangeReader{ctx: ctx, st: st, f: f}, f.Size)
}

// metadataOf finds the export's metadata file.
func metadataOf(x *vault.Export) *vault.CloudStorageFile {
	if x.CloudStorageSink == nil {
		return nil
	}
	for _, f := range x.CloudStorageSink.Files {
		if isMetadata(f.ObjectName) {
			return f
		}
	}
	return nil
}

// documents reads the export's metadata (without writing it), by name in
// the zip; it is kept for the part, as each zip of the export needs it.
func (r *run) documents(ctx context.Context, st *storage.Service, x *vault.Export) (map[string]document, error) {
	if docs, ok := r.docs[x.Name]; ok {
		return docs, nil
	}
	f := metadataOf(x)
	if f == nil {
		return nil, errors.New("the export has no metadata file")
	}
	d := newDocIDs()
	cp := &copier{st: st}
	if _, err := cp.download(ctx, f, d); err != nil {
		d.done()
		return nil, err
	}
	if _, err := d.done(); err != nil {
		return nil, fmt.Errorf("its metadata is not readable EDRM XML (%v)", err)
	}
	docs := map[string]document{}
	for _, doc := range d.docs {
		docs[doc.zipName()] = doc
	}
	if r.docs == nil {
		r.docs = map[string]map[string]document{}
	}
	r.docs[x.Name] = docs
	return docs, nil
}

// unpack writes each file of one zip of an unpacked export as its own
// entry, from the cursor's entry on, checkpointing after each.
func (r *run) unpack(ctx context.Context, cp *copier, fl file, index int) error {
	docs, err := r.documents(ctx, cp.st, fl.export)
	if err == nil {
		var zr *zip.Reader
		if zr, err = openZip(ctx, cp.st, fl.f); err == nil {
			return r.unpackFrom(ctx, cp, fl, index, zr, docs)
		}
	}
	var werr *connector.WriteError
	if errors.As(err, &werr) || ctx.Err() != nil {
		return err
	}
	cp.fail(fl, fmt.Sprintf("could not be opened (%v)", reason(err)))
	return nil
}

func (r *run) unpackFrom(ctx context.Context, cp *copier, fl file, index int, zr *zip.Reader, docs map[string]document) error {
	dir := []string{"Vault", corpusFolder(queryCorpus(fl.export)), zipname.Sanitize(fl.export.Name)}
	for j := r.st.Entry; j < len(zr.File); j++ {
		zf := zr.File[j]
		if strings.HasSuffix(zf.Name, "/") {
			continue
		}
		doc := docs[zf.Name]
		segs := dir
		for _, s := range strings.Split(zf.Name, "/") {
			segs = append(segs, zipname.Sanitize(s))
		}
		p := zipname.Join(segs...)
		content := connector.Compressible
		if compressed[strings.ToLower(path.Ext(zf.Name))] {
			content = connector.Compressed
		}
		w, err := cp.e.Create(connector.Entry{Path: p, Modified: zf.Modified, Content: content, ItemID: doc.ID})
		if err != nil {
			return err
		}
		h := sha256.New()
		err = copyEntry(zf, io.MultiWriter(connector.Sink(w), h))
		var werr *connector.WriteError
		id := doc.ID
		if id == "" {
			id = zf.Name
		}
		switch {
		case errors.As(err, &werr) || ctx.Err() != nil:
			return err
		case err != nil:
			cp.e.Fail(connector.Failure{Product: export.Vault, ItemID: id, Path: p,
				Reason: fmt.Sprintf("could not read it from the Vault export file %s: %v", path.Base(fl.f.ObjectName), reason(err))})
		case doc.Hash != "" && !strings.EqualFold(doc.Hash, hex.EncodeToString(h.Sum(nil))):
			cp.e.Fail(connector.Failure{Product: export.Vault, ItemID: id, Path: p,
				Reason: fmt.Sprintf("its SHA-256 %x does not match the %s Vault's metadata lists; the copy is not to be trusted", h.Sum(nil), doc.Hash)})
		}
		if err := r.next(ctx, cursor{Stage: stageCopy, Matter: r.st.Matter, File: index, Entry: j + 1, Broken: cp.broken}); err != nil {
			return err
		}
	}
	return nil
}

func copyEntry(zf *zip.File, w io.Writer) error {
	rc, err := zf.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	_, err = io.Copy(w, rc)
	return err
}

// compressed are the extensions of files stored, not deflated, in the
// archive's zip.
var compressed = map[string]bool{".zip": true, ".docx": true, ".xlsx": true, ".pptx": true, ".jpg": true, ".jpeg": true,
	".png": true, ".gif": true, ".mp4": true, ".mov": true, ".gz": true, ".pdf": true}

// held lists the names in the export's zips that open, for its metadata:
// a document in none of them is reported failed.
func held(ctx context.Context, st *storage.Service, x *vault.Export) (map[string]bool, error) {
	out := map[string]bool{}
	for _, f := range x.CloudStorageSink.Files {
		if !strings.HasSuffix(f.ObjectName, ".zip") {
			continue
		}
		zr, err := openZip(ctx, st, f)
		if err != nil {
			if ctx.Err() != nil {
				return nil, err
			}
			continue // reported when it was unpacked
		}
		for _, zf := range zr.File {
			out[zf.Name] = true
		}
	}
	return out, nil
}
