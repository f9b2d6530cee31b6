package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/orgexport/orgexport/shared/manifest"
)

// copyBuffer is each worker's buffer: memory stays bounded by workers ×
// copyBuffer whatever the objects' sizes.
const copyBuffer = 1 << 20

// maxAttempts is how often one object's read is started (continuing from
// where the last one stopped) before the run gives up on it.
const maxAttempts = 6

// copyOne brings one object into the folder, or finds it there already.
func (d *downloader) copyOne(ctx context.Context, o manifest.Entry, buf []byte) (outcome, error) {
	final := filepath.Join(d.dir, filepath.FromSlash(o.Name))
	if ok, err := complete(final, o, buf); err != nil {
		return unfinished, err
	} else if ok {
		return skipped, nil
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
		return unfinished, err
	}
	partial := final + partialSuffix
	for round := 0; ; round++ {
		sum, err := d.fetch(ctx, o, partial, buf)
		switch {
		case errors.Is(err, errDenied):
			return denied, err
		case err != nil:
			return unfinished, err
		}
		if err := sum.Match(o); err != nil {
			os.Remove(partial)
			if round == 0 {
				d.progress.note(fmt.Sprintf("%s arrived damaged (%v); copying it again", o.Name, err))
				d.progress.unadd(sum.Size)
				continue
			}
			return corrupt, fmt.Errorf("%s: %v", o.Name, err)
		}
		if err := os.Rename(partial, final); err != nil {
			return unfinished, err
		}
		return copied, nil
	}
}

// complete reports whether the file is already the object: same size and
// CRC32C. A file that is not is removed, to be copied again.
func complete(path string, o manifest.Entry, buf []byte) (bool, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if fi.Size() == o.Size {
		f, err := os.Open(path)
		if err != nil {
			return false, err
		}
		crc, err := crcOf(f, buf)
		f.Close()
		if err != nil {
			return false, err
		}
		if fmt.Sprintf("%08x", crc) == o.CRC32C {
			return true, nil
		}
	}
	return false, os.Remove(path)
}

func crcOf(r io.Reader, buf []byte) (uint32, error) {
	var crc uint32
	for {
		n, err := r.Read(buf)
		crc = manifest.CRC32C(crc, buf[:n])
		if err == io.EOF {
			return crc, nil
		}
		if err != nil {
			return 0, err
		}
	}
}

// fetch continues the partial file from its size to the object's end and
// returns the checksums of the whole file. Failed reads are started again
// from where they stopped, with a growing wait.
func (d *downloader) fetch(ctx context.Context, o manifest.Entry, partial string, buf []byte) (manifest.Sum, error) {
	f, err := os.OpenFile(partial, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return manifest.Sum{}, err
	}
	defer f.Close()
	dg := manifest.NewDigest(o.SHA256 != "")
	have, err := resumePoint(f, o, dg, buf)
	if err != nil {
		return manifest.Sum{}, err
	}
	d.progress.resumed(have)
	wait := d.retryWait
	if wait == 0 {
		wait = time.Second
	}
	for attempt := 1; have < o.Size; attempt++ {
		n, err := d.readFrom(ctx, o.Name, have, io.MultiWriter(f, dg), buf)
		have += n
		if err == nil && have < o.Size {
			err = fmt.Errorf("the read ended at byte %d of %d", have, o.Size)
		}
		if err == nil {
			break
		}
		if errors.Is(err, errDenied) || ctx.Err() != nil || attempt == maxAttempts {
			return manifest.Sum{}, err
		}
		d.progress.note(fmt.Sprintf("%s: %v; continuing from byte %d", o.Name, err, have))
		select {
		case <-ctx.Done():
			return manifest.Sum{}, ctx.Err()
		case <-time.After(wait):
		}
		wait *= 2
	}
	if err := f.Sync(); err != nil {
		return manifest.Sum{}, err
	}
	return dg.Sum(), nil
}

// resumePoint digests what the partial file holds and leaves f at its end.
// A file longer than the object is started again.
func resumePoint(f *os.File, o manifest.Entry, dg io.Writer, buf []byte) (int64, error) {
	fi, err := f.Stat()
	if err != nil {
		return 0, err
	}
	if fi.Size() > o.Size {
		if err := f.Truncate(0); err != nil {
			return 0, err
		}
		return 0, nil
	}
	n, err := io.CopyBuffer(dg, struct{ io.Reader }{f}, buf)
	if err != nil {
		return 0, err
	}
	return n, nil
}

// readFrom copies the object from offset into w and returns how many bytes
// it copied.
func (d *downloader) readFrom(ctx context.Context, name string, offset int64, w io.Writer, buf []byte) (int64, error) {
	r, err := d.src.Open(ctx, name, offset)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	var n int64
	for {
		k, rerr := r.Read(buf)
		if k > 0 {
			if _, err := w.Write(buf[:k]); err != nil {
				return n, fmt.Errorf("write %s: %w", name, err)
			}
			n += int64(k)
			d.progress.add(int64(k))
		}
		if rerr == io.EOF {
			return n, nil
		}
		if rerr != nil {
			return n, rerr
		}
	}
}
