package export

import (
	"fmt"
	"regexp"
	"sort"
)

// MaxIDLength is the longest id the API and the tasks accept.
const MaxIDLength = 128

// idRE is the alphabet of every id orgexport takes from a request: export
// ids ("20261201-…"), customer ids ("C01ab…") and account keys
// ("user-3f…"). It starts with a letter or digit, so Firestore's reserved
// "__…__" names, "." and ".." never pass, and it is ASCII, so it is valid
// UTF-8.
var idRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*$`)

// ValidID reports whether id is an id orgexport could have made: 1 to
// MaxIDLength characters of letters, digits, '-' and '_', starting with a
// letter or digit. Anything else names no record: the edge answers 404 or
// 400 without asking the store.
func ValidID(id string) bool { return len(id) <= MaxIDLength && idRE.MatchString(id) }

func validIDs(ids map[string]string) error {
	names := make([]string, 0, len(ids))
	for name := range ids {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !ValidID(ids[name]) {
			return fmt.Errorf("%s must be 1 to %d letters, digits, '-' or '_'", name, MaxIDLength)
		}
	}
	return nil
}
