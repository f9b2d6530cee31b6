package drive

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"iter"
	"slices"
	"strings"
	"time"

	"google.golang.org/api/drive/v3"

	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/zipname"
)

// listing is an account's files as path planning and downloading need
// them, held compactly so that a drive of a million files fits in tens of
// megabytes: one variable-length record per file in one byte arena (its
// id, its sanitised name, an interned MIME type, the modification time,
// size, MD5 and shortcut target), the parent as an index, and the files'
// order by id as indexes. Nothing else of a drive.File is kept; the rare
// call that needs more (the export links of a Doc whose export failed)
// asks Drive for it.
//
// Files are added as they are listed (add), then planned once (plan):
// names are deduplicated per folder in id order and paths follow the
// parents, exactly as the planner that held whole drive.File values did.
type listing struct {
	arena   arena
	recs    []uint32 // each file's record in arena
	scratch []byte
	// rawParents holds each file's parent ids while listing (offsets in
	// parentOff); plan resolves them into parent and drops them.
	rawParents arena
	parentOff  []uint32
	parent     []int32 // index of the parent folder among the listed files, or -1
	byID       []int32 // file indexes in id order (one per id)
	renamed    map[int32]string
	mimes      []string
	mimeIndex  map[string]uint32
}

// Record flags.
const (
	recTime = 1 << iota
	recSize
	recMD5Hex // 16 bytes: Drive's md5Checksum, decoded
	recMD5Raw // a checksum that is not 32 hex digits, kept as it is
	recTarget
)

func newListing() *listing {
	return &listing{mimeIndex: map[string]uint32{}, renamed: map[int32]string{}}
}

// arena holds records in blocks: it grows without copying, so its memory
// is that of its records (an append-grown slice would hold up to a
// quarter more, and twice as much while it is copied).
type arena struct{ blocks [][]byte }

const (
	arenaShift = 20
	arenaBlock = 1 << arenaShift
	// maxBlocks keeps offsets in 32 bits: 4 GiB of records, some 80
	// million files.
	maxBlocks = 1 << (32 - arenaShift)
)

var errListingTooLarge = errors.New("the drive's listing is over 4 GiB (some 80 million files), more than one export can plan")

// put stores rec and returns its offset.
func (a *arena) put(rec []byte) (uint32, error) {
	n := len(a.blocks)
	if n == 0 || len(a.blocks[n-1])+len(rec) > cap(a.blocks[n-1]) {
		if n == maxBlocks {
			return 0, errListingTooLarge
		}
		a.blocks = append(a.blocks, make([]byte, 0, max(arenaBlock, len(rec))))
		n++
	}
	b := &a.blocks[n-1]
	off := uint32(n-1)<<arenaShift | uint32(len(*b))
	*b = append(*b, rec...)
	return off, nil
}

// at is the arena from off to the end of off's block.
func (a *arena) at(off uint32) []byte { return a.blocks[off>>arenaShift][off&(arenaBlock-1):] }

// add appends f, whose fields are fileFields.
func (l *listing) add(f *drive.File) error {
	b := l.scratch[:0]
	b = appendString(b, f.Id)
	b = appendString(b, zipname.Sanitize(displayName(f)))
	b = binary.AppendUvarint(b, uint64(l.mime(f.MimeType)))
	var flags byte
	mod, err := time.Parse(time.RFC3339, f.ModifiedTime)
	if err == nil {
		flags |= recTime
	}
	if f.Size != 0 {
		flags |= recSize
	}
	sum, herr := hex.DecodeString(f.Md5Checksum)
	switch {
	case f.Md5Checksum == "":
	case herr == nil && len(sum) == 16 && hex.EncodeToString(sum) == f.Md5Checksum:
		flags |= recMD5Hex
	default:
		flags |= recMD5Raw
	}
	if f.ShortcutDetails != nil {
		flags |= recTarget
	}
	b = append(b, flags)
	if flags&recTime != 0 {
		// Drive's times have milliseconds: store those when they say all.
		b = binary.AppendVarint(b, mod.Unix())
		if ns := mod.Nanosecond(); ns%1e6 == 0 {
			b = binary.AppendUvarint(b, uint64(ns/1e6)<<1)
		} else {
			b = binary.AppendUvarint(b, uint64(ns)<<1|1)
		}
	}
	if flags&recSize != 0 {
		b = binary.AppendVarint(b, f.Size)
	}
	switch {
	case flags&recMD5Hex != 0:
		b = append(b, sum...)
	case flags&recMD5Raw != 0:
		b = appendString(b, f.Md5Checksum)
	}
	if flags&recTarget != 0 {
		b = appendString(b, f.ShortcutDetails.TargetId)
	}
	off, err := l.arena.put(b)
	if err != nil {
		return err
	}
	b = binary.AppendUvarint(b[:0], uint64(len(f.Parents)))
	for _, p := range f.Parents {
		b = appendString(b, p)
	}
	poff, err := l.rawParents.put(b)
	if err != nil {
		return err
	}
	l.scratch = b
	l.recs, l.parentOff = append(l.recs, off), append(l.parentOff, poff)
	return nil
}

func (l *listing) mime(m string) uint32 {
	i, ok := l.mimeIndex[m]
	if !ok {
		i = uint32(len(l.mimes))
		l.mimes = append(l.mimes, m)
		l.mimeIndex[m] = i
	}
	return i
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// readBytes reads a length-prefixed string at b[off:] and returns it with
// the offset after it.
func readBytes(b []byte, off int) ([]byte, int) {
	n, k := binary.Uvarint(b[off:])
	off += k
	return b[off : off+int(n)], off + int(n)
}

// id is file i's id, without copying.
func (l *listing) id(i int32) []byte {
	id, _ := readBytes(l.arena.at(l.recs[i]), 0)
	return id
}

// record is a file's record, decoded.
type record struct {
	id, name, mimeType string
	modified           time.Time
	size               int64
	md5, target        string
	hasTarget          bool
}

func (l *listing) record(i int32) record {
	b := l.arena.at(l.recs[i])
	var r record
	id, off := readBytes(b, 0)
	name, off := readBytes(b, off)
	m, k := binary.Uvarint(b[off:])
	off += k
	r.id, r.name, r.mimeType = string(id), string(name), l.mimes[m]
	flags := b[off]
	off++
	if flags&recTime != 0 {
		s, k := binary.Varint(b[off:])
		off += k
		frac, k := binary.Uvarint(b[off:])
		off += k
		ns := int64(frac >> 1)
		if frac&1 == 0 {
			ns *= 1e6
		}
		r.modified = time.Unix(s, ns).UTC()
	}
	if flags&recSize != 0 {
		r.size, k = binary.Varint(b[off:])
		off += k
	}
	switch {
	case flags&recMD5Hex != 0:
		r.md5 = hex.EncodeToString(b[off : off+16])
		off += 16
	case flags&recMD5Raw != 0:
		var s []byte
		s, off = readBytes(b, off)
		r.md5 = string(s)
	}
	if flags&recTarget != 0 {
		var s []byte
		s, _ = readBytes(b, off)
		r.target, r.hasTarget = string(s), true
	}
	return r
}

// nameAt is file i's unique segment in its folder (after plan).
func (l *listing) nameAt(i int32) string {
	if n, ok := l.renamed[i]; ok {
		return n
	}
	b := l.arena.at(l.recs[i])
	_, off := readBytes(b, 0)
	name, _ := readBytes(b, off)
	return string(name)
}

func (l *listing) isFolder(i int32) bool {
	b := l.arena.at(l.recs[i])
	_, off := readBytes(b, 0)
	_, off = readBytes(b, off)
	m, _ := binary.Uvarint(b[off:])
	return l.mimes[m] == mimeFolder
}

// find is the index of the file with id, or -1.
func (l *listing) find(id []byte) int32 {
	k, ok := slices.BinarySearchFunc(l.byID, id, func(i int32, id []byte) int { return bytes.Compare(l.id(i), id) })
	if !ok {
		return -1
	}
	return l.byID[k]
}

// plan orders the files by id, resolves parents and names every file
// uniquely in its folder. A file listed twice (a listing that changed
// while it was paged) is kept once, as last listed.
func (l *listing) plan() {
	n := int32(len(l.recs))
	l.byID = make([]int32, n)
	for i := range n {
		l.byID[i] = i
	}
	slices.SortStableFunc(l.byID, func(a, b int32) int { return bytes.Compare(l.id(a), l.id(b)) })
	kept := l.byID[:0]
	for k, i := range l.byID {
		if k+1 < len(l.byID) && bytes.Equal(l.id(i), l.id(l.byID[k+1])) {
			continue // listed again later
		}
		kept = append(kept, i)
	}
	l.byID = kept
	l.resolveParents()
	l.nameSiblings()
}

// resolveParents sets each file's parent: the first of its parents that
// is listed, or -1 (the root: My Drive, the shared drive, or a folder the
// account cannot see).
func (l *listing) resolveParents() {
	l.parent = make([]int32, len(l.recs))
	for i := range l.parent {
		l.parent[i] = -1
		b := l.rawParents.at(l.parentOff[i])
		count, off := binary.Uvarint(b)
		for range count {
			var p []byte
			p, off = readBytes(b, off)
			if j := l.find(p); j >= 0 {
				l.parent[i] = j
				break
			}
		}
	}
	l.rawParents, l.parentOff = arena{}, nil
}

// nameSiblings deduplicates names per folder, siblings in id order, and
// keeps the names that Dedup changed.
func (l *listing) nameSiblings() {
	// Counting sort of the files (in id order) by parent: the children
	// of folder p (of the root when p is -1) are kids[start[p+1]:start[p+2]].
	start := make([]int32, len(l.recs)+2)
	for _, i := range l.byID {
		start[l.parent[i]+2]++
	}
	for b := 1; b < len(start); b++ {
		start[b] += start[b-1]
	}
	kids := make([]int32, len(l.byID))
	for _, i := range l.byID {
		b := l.parent[i] + 1
		kids[start[b]] = i
		start[b]++
	}
	// start[b] is now where bucket b ends: shift back to where each starts.
	copy(start[1:], start[:len(start)-1])
	start[0] = 0
	for b := 0; b+1 < len(start); b++ {
		group := kids[start[b]:start[b+1]]
		if len(group) == 0 {
			continue
		}
		d := zipname.NewDedup()
		for _, i := range group {
			name := l.nameAt(i)
			if u := d.Name(name, string(l.id(i))); u != name {
				l.renamed[i] = u
			}
		}
	}
}

// pathOf builds "Drive/a/b/name", guarding against parent cycles.
func (l *listing) pathOf(i int32) string {
	segs := []string{l.nameAt(i)}
	seen := []int32{i}
	for p := l.parent[i]; p >= 0 && !slices.Contains(seen, p); p = l.parent[p] {
		seen = append(seen, p)
		segs = append(segs, l.nameAt(p))
	}
	segs = append(segs, export.Drive.TakeoutFolder())
	slices.Reverse(segs)
	return strings.Join(segs, "/")
}

// item is a file to export, with its place in the zip.
type item struct {
	f        *drive.File // the fields downloads read: id, mimeType, size, md5Checksum, shortcutDetails
	modified time.Time
	path     string // "Drive/…/name", sanitised and unique
}

func (l *listing) item(i int32) item {
	r := l.record(i)
	f := &drive.File{Id: r.id, MimeType: r.mimeType, Size: r.size, Md5Checksum: r.md5}
	if r.hasTarget {
		f.ShortcutDetails = &drive.FileShortcutDetails{TargetId: r.target}
	}
	return item{f: f, modified: r.modified, path: l.pathOf(i)}
}

// items yields the files that are not folders, in id order, from the
// first one after the id after.
func (l *listing) items(after string) iter.Seq[item] {
	return func(yield func(item) bool) {
		k, found := slices.BinarySearchFunc(l.byID, []byte(after), func(i int32, id []byte) int { return bytes.Compare(l.id(i), id) })
		if found {
			k++
		}
		for _, i := range l.byID[k:] {
			if !l.isFolder(i) && !yield(l.item(i)) {
				return
			}
		}
	}
}

// lookup is the item of the file with id, if it is listed and not a
// folder.
func (l *listing) lookup(id string) (item, bool) {
	i := l.find([]byte(id))
	if i < 0 || l.isFolder(i) {
		return item{}, false
	}
	return l.item(i), true
}
