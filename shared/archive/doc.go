// Package archive writes an account's export as numbered zip parts, as it
// streams from the connectors to the bucket.
//
// # Parts
//
// A PartWriter writes one part, "{id}-001.zip", "{id}-002.zip", … (see
// PartName) to any io.Writer, usually a Cloud Storage upload, and is the
// connector.Emitter the connectors write into. Entries are written as they
// come: sizes and CRC in data descriptors, zip64 records where sizes,
// offsets or the entry count need them, UTF-8 names flagged, deflate
// (github.com/klauspost/compress) for compressible content and store for
// content that is already compressed. Only the central directory of the
// part, a few dozen bytes per entry, is held in memory, and a part is cut
// when it reaches Options.MaxDirectory (16 MiB, some 150,000 entries).
//
// # Parallel deflate
//
// With Options.Workers above 1 (ExportAccount's vCPUs), entries are
// deflated on that many goroutines and written in order. A long entry (an
// mbox, a large file) is cut into 1 MiB chunks, each deflated with the 32
// KiB before it as its dictionary and ended with a sync flush, so the
// chunks join into one ordinary deflate stream and a single huge file uses
// every CPU too; the ratio is within a fraction of a percent of one
// stream's. At most 2·Workers+2 chunks are out at once, so memory stays
// bounded (about 4 MiB per worker and 6 MiB more). The index, the counts and the
// central directory come out exactly as with one worker; the compressed
// bytes differ, but the same input gives the same zip on every run.
//
// Sizes are unknown when an entry starts, so stored entries (where files
// over 4 GiB are: video, archives, disk images) declare zip64 in their local
// header and get 8-byte sizes in their data descriptor, as Info-ZIP does for
// streamed input; readers that stream through local headers (libarchive from
// a pipe) then read their sizes right. Deflated entries use the classic
// descriptor unless they pass 4 GiB. The central directory uses zip64 only
// where a size, offset or the entry count needs it.
//
// # Checkpoints and cuts
//
// When the part reaches Options.PartSize (or its directory
// Options.MaxDirectory), or the clock reaches
// Options.Deadline, the next Checkpoint returns connector.ErrCut. The caller
// then calls Close, which writes the central directory, finishes the upload,
// stores Summary.Cursor, and later starts the next part from that cursor.
// Everything written before the cut is in the part; nothing after it is.
//
// # Failures and the item index
//
// Fail records an item that could not be exported; if the entry being
// written holds exactly that item, the entry is left out of the zip (its
// bytes stay in the part, but no central directory record points at them).
// Failures and the item index (which source item is in which entry) are
// streamed as NDJSON to writers the caller gives, to be stored beside the
// part (FailuresName, IndexName); FailureLog, ReadFailures and ReadIndex
// write and read them.
//
// # Checksums
//
// While streaming, the writer computes each part's size, SHA-256 (for
// manifest.json), and MD5 and CRC32C (as Cloud Storage reports them), and
// returns them from Close in a Summary with the per-product counts.
package archive
