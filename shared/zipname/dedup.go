package zipname

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Key is the form under which two names are the same file on a
// case-insensitive, normalisation-insensitive file system (macOS, Windows):
// Unicode NFC, then case-folded.
func Key(name string) string {
	return cases.Fold().String(norm.NFC.String(name))
}

// Dedup hands out unique names within one folder. The zero value is not
// usable; call NewDedup. A Dedup holds one key per name it has handed out, so
// use one per folder and drop it when the folder is done.
//
// The first item to ask for a name gets it as it is; later items with the
// same name (by Key) get a suffix derived from their id. Given the items in
// the same order, a Dedup gives the same names on every run. A connector that
// resumes in the middle of a folder asks again for the names of the items it
// wrote before, in the same order, to rebuild the state.
type Dedup struct {
	taken map[string]struct{}
}

// NewDedup returns an empty Dedup.
func NewDedup() *Dedup {
	return &Dedup{taken: make(map[string]struct{})}
}

// Name returns the sanitised name for the item with id, unique in the folder.
func (d *Dedup) Name(name, id string) string {
	s := Sanitize(name)
	if d.claim(s) {
		return s
	}
	sum := sha256.Sum256([]byte(id))
	digest := hex.EncodeToString(sum[:])
	// Six hex digits in the common case; longer ones only if an item with
	// an equal name already carries that suffix.
	for n := 6; n <= len(digest); n += 6 {
		if c := withSuffix(s, " ("+digest[:n]+")"); d.claim(c) {
			return c
		}
	}
	// Only reached when the same id is given twice for equal names.
	for i := 2; ; i++ {
		if c := withSuffix(s, fmt.Sprintf(" (%s %d)", digest[:6], i)); d.claim(c) {
			return c
		}
	}
}

// claim takes name if no equal name was taken before.
func (d *Dedup) claim(name string) bool {
	k := Key(name)
	if _, ok := d.taken[k]; ok {
		return false
	}
	d.taken[k] = struct{}{}
	return true
}

// withSuffix inserts suffix before the extension of the sanitised name s,
// shortening the name so that the result fits in MaxSegment bytes.
func withSuffix(s, suffix string) string {
	base, ext := splitExt(s)
	return Sanitize(cut(base, MaxSegment-len(ext)-len(suffix)) + suffix + ext)
}
