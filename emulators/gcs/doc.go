// Package gcs runs a Cloud Storage emulator, github.com/fsouza/fake-gcs-server,
// over plain HTTP on a loopback port, so that the official
// cloud.google.com/go/storage client reaches it through
// STORAGE_EMULATOR_HOST=127.0.0.1:PORT with no other change: resumable
// uploads with a ChunkSize, listing, ranged reads.
//
// Tests run it in process with [Start]; the dev stack runs it as a separate
// process (emulators/cmd/gcs-emulator), because fake-gcs-server holds a
// whole upload in memory and large exports would otherwise swell the test
// process. It ignores bucket location and lifecycle rules; those are checked
// on the Terraform in infra/.
//
// Where fake-gcs-server is more lenient than Cloud Storage, the emulator
// is made as strict: an object listing returns at most MaxListPage (1,000)
// objects a page, as Cloud Storage does, where fake-gcs-server returns
// every object at once unless asked for fewer.
package gcs
