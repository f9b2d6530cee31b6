package zipname

import (
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxSegment is the longest segment, in bytes, that Sanitize returns. It
// leaves room under the 255-byte file name limit of common file systems for
// the suffix Dedup adds.
const MaxSegment = 200

// maxExt is the longest extension, in bytes with its dot, that truncation
// keeps; a longer "extension" is most likely part of the name.
const maxExt = 16

// empty replaces a name with nothing left in it.
const empty = "_"

// Sanitize returns s as a safe zip entry segment (see the package comment).
func Sanitize(s string) string {
	s = mapRunes(strings.ToValidUTF8(s, "\uFFFD"))
	// Each step can undo another (truncation can leave trailing dots, a
	// prefix can make a name too long), so repeat until nothing changes.
	for {
		next := fit(s)
		if next == s {
			return s
		}
		s = next
	}
}

// mapRunes removes bidi controls and replaces separators, control
// characters and characters Windows forbids in file names.
func mapRunes(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case isBidiControl(r):
			return -1
		case r == '/' || r == '\\' || unicode.IsControl(r):
			return '_'
		case strings.ContainsRune(`<>:"|?*`, r):
			return '_'
		}
		return r
	}, s)
}

// isBidiControl reports whether r is an embedding, override or isolate
// control, which can make "exe.txt" display as "txt.exe".
func isBidiControl(r rune) bool {
	return (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069')
}

// fit applies one round of trimming, reserved-name escaping and truncation.
func fit(s string) string {
	s = strings.TrimLeft(s, " ")
	s = strings.TrimRight(s, " .")
	if s == "" {
		return empty
	}
	if reserved(s) {
		s = "_" + s
	}
	return truncate(s, MaxSegment)
}

// truncate shortens s to at most max bytes at a rune boundary, keeping its
// extension.
func truncate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	base, ext := splitExt(s)
	if len(ext) >= max {
		base, ext = s, ""
	}
	return cut(base, max-len(ext)) + ext
}

// cut returns the longest prefix of s of at most n bytes that ends at a
// rune boundary.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// splitExt splits s into a base and an extension of at most maxExt bytes;
// a name that is only an extension (".profile") has none.
func splitExt(s string) (base, ext string) {
	ext = path.Ext(s)
	if len(ext) < 2 || len(ext) > maxExt || len(ext) == len(s) {
		return s, ""
	}
	return s[:len(s)-len(ext)], ext
}

// reservedNames are the device names Windows will not create as files, with
// or without an extension, in any case.
var reservedNames = []string{
	"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
	"COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
	"COM¹", "COM²", "COM³",
	"LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
	"LPT¹", "LPT²", "LPT³",
}

// reserved reports whether Windows treats s as a device name: the part
// before the first dot, without trailing spaces, is one of reservedNames.
func reserved(s string) bool {
	stem, _, _ := strings.Cut(s, ".")
	stem = strings.TrimRight(stem, " ")
	for _, n := range reservedNames {
		if strings.EqualFold(stem, n) {
			return true
		}
	}
	return false
}
