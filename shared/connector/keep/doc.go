// Package keep is the Keep connector: every note of a user, trashed ones
// too, as Google Takeout lays them out:
//
//	Keep/<title>.json   the note: text or checklist, collaborators,
//	                    trashed flag, timestamps, attachment paths
//	Keep/<title>.html   the same note as a page that opens in a browser
//	Keep/<title>_1.png  each attachment, downloaded with media.download
//
// Untitled notes are named after their creation time; equal names get a
// suffix from the note's id (package zipname).
//
// # What the Keep API does not return
//
// Takeout's Keep JSON also has a note's colour, labels, and pinned and
// archived state. The Keep API (v1) has none of these fields, so the export
// cannot contain them; the JSON Schema (note.schema.json) does not pretend
// otherwise. The API serves enterprise accounts through domain-wide
// delegation only, which is how orgexport calls it.
//
// # Resuming
//
// Notes are listed in a fixed order (not trashed, then trashed), one
// checkpoint after each; the cursor is the number of notes written. On
// resume the names of the notes written before are claimed again, so
// suffixes come out the same.
package keep
