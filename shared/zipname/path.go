package zipname

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalid is wrapped by Valid's errors.
var ErrInvalid = errors.New("invalid zip entry path")

// maxPath is the longest name a zip entry can carry (a 16-bit length).
const maxPath = 1<<16 - 1

// Join sanitises each segment and joins them with slashes. The result
// always passes Valid, unless it is longer than a zip entry name can be.
func Join(segments ...string) string {
	out := make([]string, len(segments))
	for i, s := range segments {
		out[i] = Sanitize(s)
	}
	return strings.Join(out, "/")
}

// Valid reports whether p is a relative, slash-separated path whose every
// segment is already sanitised, so that extracting it cannot write outside
// the extraction folder on any common system.
func Valid(p string) error {
	switch {
	case p == "":
		return fmt.Errorf("%w: empty", ErrInvalid)
	case len(p) > maxPath:
		return fmt.Errorf("%w: %d bytes long", ErrInvalid, len(p))
	case strings.HasPrefix(p, "/"):
		return fmt.Errorf("%w: %q is absolute", ErrInvalid, p)
	case strings.Contains(p, `\`):
		return fmt.Errorf("%w: %q contains a backslash", ErrInvalid, p)
	}
	for seg := range strings.SplitSeq(p, "/") {
		switch {
		case seg == "":
			return fmt.Errorf("%w: %q has an empty segment", ErrInvalid, p)
		case seg == "." || seg == "..":
			return fmt.Errorf("%w: %q has a %q segment", ErrInvalid, p, seg)
		case Sanitize(seg) != seg:
			return fmt.Errorf("%w: segment %q of %q is not sanitised", ErrInvalid, seg, p)
		}
	}
	return nil
}
