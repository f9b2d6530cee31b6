package connector

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"google.golang.org/api/googleapi"

	"github.com/orgexport/orgexport/shared/export"
)

// Wanted is the set of item ids an ItemExporter was asked for, for a
// connector whose items can only be found by listing them (Keep notes,
// tasks, contacts, Chat messages …): the export of items walks the same
// listing as the whole export — so every item gets the path and bytes the
// whole export gives it, names deduplicated the same way — and writes
// only what Has says, while noting every id it passes. What the listing
// never passed was deleted since the export (Gone).
//
// A nil *Wanted wants everything: the whole export is the same walk with
// no Wanted.
type Wanted struct {
	ids  map[string]bool
	seen map[string]bool
}

// Want returns the set of ids.
func Want(ids []string) *Wanted {
	w := &Wanted{ids: map[string]bool{}, seen: map[string]bool{}}
	for _, id := range ids {
		w.ids[id] = true
	}
	return w
}

// Has reports whether id is wanted (always, for a nil Wanted), and notes
// that the listing has it.
func (w *Wanted) Has(id string) bool {
	if w == nil {
		return true
	}
	w.seen[id] = true
	return w.ids[id]
}

// Asked reports whether id was asked for, without noting it: for an item
// the listing shows only through another (an attachment of a note).
func (w *Wanted) Asked(id string) bool { return w == nil || w.ids[id] }

// Any reports whether some of ids are wanted (a space or list holding
// asked-for items), noting each.
func (w *Wanted) Any(ids ...string) bool {
	found := false
	for _, id := range ids {
		found = w.Has(id) || found
	}
	return found
}

// Gone records each asked-for id the listing did not pass as deleted
// since the export (connector.Gone), in a stable order. Call it once the
// walk has passed over the whole listing.
func (w *Wanted) Gone(e Emitter, p export.Product) { w.GoneWithin(e, p, "") }

// Within reports whether some asked-for id starts with prefix (always,
// for a nil Wanted): for ids that name their container ("spaces/S/…").
func (w *Wanted) Within(prefix string) bool {
	if w == nil {
		return true
	}
	for id := range w.ids {
		if strings.HasPrefix(id, prefix) {
			return true
		}
	}
	return false
}

// GoneWithin records as deleted the asked-for ids under prefix that the
// listing did not pass, and counts every asked-for id under prefix as
// dealt with from then on: for a connector whose parts end after a
// container (a Chat space), so that a later part, which passes over the
// container without listing it, neither records them again nor takes them
// for deleted.
func (w *Wanted) GoneWithin(e Emitter, p export.Product, prefix string) {
	if w == nil {
		return
	}
	var gone []string
	for id := range w.ids {
		if strings.HasPrefix(id, prefix) && !w.seen[id] {
			gone = append(gone, id)
		}
	}
	slices.Sort(gone)
	for _, id := range gone {
		e.Fail(Gone(p, id, ""))
	}
	w.Passed(prefix)
}

// Passed counts every asked-for id under prefix as dealt with (by an
// earlier part).
func (w *Wanted) Passed(prefix string) {
	if w == nil {
		return
	}
	for id := range w.ids {
		if strings.HasPrefix(id, prefix) {
			w.seen[id] = true
		}
	}
}

// NotFound reports whether an API answered that the item asked for by id
// does not exist (404, or 410): it was deleted since the export.
func NotFound(err error) bool {
	var ge *googleapi.Error
	return errors.As(err, &ge) && (ge.Code == http.StatusNotFound || ge.Code == http.StatusGone)
}
