// Package signedurl hands out short-lived V4 signed URLs for an export's
// objects, so an admin can download an archive without any IAM role on the
// bucket (R18), from the command line or the browser.
//
// # Keyless signing
//
// URLs are signed as a service account through IAM Credentials signBlob
// (IAMSigner): no key file exists, the private key never leaves Google.
// The Signer interface is the one call this needs, so the IAM Credentials
// endpoint is configurable (the Workspace emulator serves signBlob
// locally) and tests can sign with a key of their own.
//
// # What is signed
//
// Archive.Downloads reads the export's manifest.json and signs a GET URL of
// at most one hour for manifest.json itself and for every object it lists,
// several at once. The answer is the API's shape for
// GET /exports/{id}/downloads:
//
//	{"expires_at": RFC 3339,
//	 "objects": [{"name": "users/…-001.zip", "size": N, "crc32c": "…", "md5": "…", "url": "https://…"}]}
//
// Names are relative to the export's root; checksums are hex, as in
// manifest.json.
package signedurl
