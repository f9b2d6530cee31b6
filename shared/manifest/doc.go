// Package manifest reads an archive's manifest.json (R8d) and computes the
// checksums it lists, so a downloaded copy can be checked object by object.
//
// # Format
//
// manifest.json sits at an export's root (and at the root of each
// remediation folder, "retry-N/"). It lists every other object below that
// root with its size, its MD5 and CRC32C as Cloud Storage reports them (hex),
// and, for zip parts, the SHA-256 computed while the part was written:
//
//	{"version": 1, "customer_id": "C1", "export_id": "E1", "generated_at": "…",
//	 "objects": [{"name": "report.json", "size": 1234, "md5": "…", "crc32c": "…"}, …]}
//
// Names are relative to the manifest's folder and use "/".
//
// # Checksums
//
// Digest computes all three checksums in one pass; Sum is its result and
// Match compares it with an Entry, naming the first checksum that differs.
package manifest
