package main

import (
	"archive/zip"
	"errors"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/orgexport/orgexport/shared/archive"
	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/manifest"
)

// tally is what an account folder's indexes and failure files count.
type tally struct {
	items  map[export.Product]int64
	failed map[export.Product]int64
}

// tallyOf returns the tally of the account folder of rel, made on first use.
func (v *verifier) tallyOf(rel string) *tally {
	key := rootOf(rel) + accountFolder(rel)
	v.mu.Lock()
	defer v.mu.Unlock()
	t := v.tallies[key]
	if t == nil {
		t = &tally{items: map[export.Product]int64{}, failed: map[export.Product]int64{}}
		v.tallies[key] = t
	}
	return t
}

// rootOf is "retry-N/" for a file in that folder, else "".
func rootOf(rel string) string {
	if first, _, ok := strings.Cut(rel, "/"); ok && isRetryFolder(first) {
		return first + "/"
	}
	return ""
}

// productOf is the product whose Takeout folder an entry's path starts
// with, as the part writer counts it.
func productOf(p string) export.Product {
	folder, _, _ := strings.Cut(p, "/")
	for _, pr := range export.Products {
		if pr.TakeoutFolder() == folder {
			return pr
		}
	}
	return export.Product(folder)
}

type zipEntry struct {
	size uint64
	crc  uint32
}

// checkPart checks a zip's structure, reads every entry (archive/zip
// checks each CRC-32 and size at its end), and compares the entries with
// the part's index, entry for entry.
func (v *verifier) checkPart(rel, p string, buf []byte) {
	z, err := zip.OpenReader(p)
	if err != nil {
		v.problem(rel, "not a readable zip: %v", err)
		return
	}
	defer z.Close()
	entries := make(map[string]zipEntry, len(z.File))
	for _, f := range z.File {
		if err := manifest.ValidName(strings.TrimSuffix(f.Name, "/")); err != nil {
			v.problem(rel, "unsafe entry: %v", err)
			continue
		}
		if _, dup := entries[f.Name]; dup {
			v.problem(rel, "entry %q is in the zip twice", f.Name)
			continue
		}
		entries[f.Name] = zipEntry{size: f.UncompressedSize64, crc: f.CRC32}
		if err := readEntry(f, buf); err != nil {
			v.problem(rel, "entry %q: %v", f.Name, err)
		}
	}
	v.compareIndex(rel, entries)
}

func readEntry(f *zip.File, buf []byte) error {
	r, err := f.Open()
	if err != nil {
		return err
	}
	defer r.Close()
	_, err = io.CopyBuffer(io.Discard, struct{ io.Reader }{r}, buf)
	return err
}

// compareIndex checks that the part's index names exactly the zip's
// entries, with the same sizes and CRCs.
func (v *verifier) compareIndex(rel string, entries map[string]zipEntry) {
	idxRel := strings.TrimSuffix(rel, ".zip") + ".index.ndjson"
	f, err := os.Open(v.path(idxRel))
	if errors.Is(err, fs.ErrNotExist) {
		if len(entries) > 0 && !v.listed(idxRel) {
			v.problem(rel, "has no index (%s)", idxRel)
		}
		return // a listed index that is missing is reported as missing
	}
	if err != nil {
		v.problem(idxRel, "cannot be read: %v", err)
		return
	}
	defer f.Close()
	seen := make(map[string]bool, len(entries))
	err = archive.ReadIndex(f, func(r archive.IndexRecord) error {
		if r.Kind != archive.KindEntry {
			return nil
		}
		ze, ok := entries[r.Path]
		switch {
		case seen[r.Path]:
			v.problem(idxRel, "names %q twice", r.Path)
		case !ok:
			v.problem(idxRel, "names %q, which %s does not hold", r.Path, rel)
		case ze.size != r.Size || ze.crc != r.CRC32:
			v.problem(idxRel, "%q: %d bytes, CRC %08x in the index; %d bytes, CRC %08x in the zip", r.Path, r.Size, r.CRC32, ze.size, ze.crc)
		}
		seen[r.Path] = true
		return nil
	})
	if err != nil {
		v.problem(idxRel, "%v", err)
		return
	}
	for name := range entries {
		if !seen[name] && !strings.HasSuffix(name, "/") {
			v.problem(rel, "entry %q is not in the index", name)
		}
	}
}

// countIndex adds an index's items to its account's tally, as the part
// writer counts them: entries that hold one item and item records.
func (v *verifier) countIndex(rel, p string) {
	f, err := os.Open(p)
	if err != nil {
		v.problem(rel, "cannot be read: %v", err)
		return
	}
	defer f.Close()
	t := v.tallyOf(rel)
	counts := map[export.Product]int64{}
	err = archive.ReadIndex(f, func(r archive.IndexRecord) error {
		if r.Kind == archive.KindItem || r.ItemID != "" {
			counts[productOf(r.Path)]++
		}
		return nil
	})
	if err != nil {
		v.problem(rel, "%v", err)
	}
	v.mu.Lock()
	for pr, n := range counts {
		t.items[pr] += n
	}
	v.mu.Unlock()
}

// countFailures adds a failure file's failures to its account's tally.
func (v *verifier) countFailures(rel, p string) {
	f, err := os.Open(p)
	if err != nil {
		v.problem(rel, "cannot be read: %v", err)
		return
	}
	defer f.Close()
	t := v.tallyOf(rel)
	counts := map[export.Product]int64{}
	err = archive.ReadFailures(f, func(fl connector.Failure) error {
		if !fl.Deleted { // deleted since the export (a retry, R16): not a failure
			counts[fl.Product]++
		}
		return nil
	})
	if err != nil {
		v.problem(rel, "%v", err)
	}
	v.mu.Lock()
	for pr, n := range counts {
		t.failed[pr] += n
	}
	v.mu.Unlock()
}

func (v *verifier) path(rel string) string { return v.dir + string(os.PathSeparator) + fromSlash(rel) }

func fromSlash(rel string) string { return strings.ReplaceAll(rel, "/", string(os.PathSeparator)) }

func (v *verifier) listed(rel string) bool {
	_, ok := v.expected[rel]
	return ok
}
