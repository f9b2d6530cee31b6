// Package zipname turns names from Workspace (a Drive file's title, a label,
// a calendar's name) into zip entry names that every common unzip tool
// extracts safely, on Linux, macOS and Windows.
//
// # Segments
//
// Sanitize makes one path segment safe: valid UTF-8, no separators, no
// control or bidirectional-override characters, none of the characters or
// names Windows rejects, not "." or "..", at most MaxSegment bytes with the
// extension kept, and never empty. It is idempotent.
//
// # Folders
//
// Two items of one folder may have the same name, or names that become equal
// after sanitising, or that differ only in case (which macOS and Windows treat
// as equal). A Dedup per folder gives each item a unique name; the second and
// later ones get a suffix derived from the item's id, "Report (3f9a1c).pdf",
// so a re-export names the same item the same way.
//
// # Paths
//
// Join builds an entry path from segments, sanitising each; Valid is the check
// the zip writer applies to every path it is given, so that no entry can land
// outside the folder it is extracted into.
package zipname
