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
// Where fake-gcs-server differs from Cloud Storage in a way a client's
// cost or correctness depends on, a handler in front of it does what Cloud
// Storage does (sources: the JSON API overview, objects.list and "Sending
// batch requests" pages of the Cloud Storage documentation):
//   - an object listing returns at most MaxListPage (1,000) objects a page,
//     whatever maxResults asks for; fake-gcs-server returns every object at
//     once unless asked for fewer, so a client reading a whole page into
//     memory would pass here and swell in the cloud;
//   - a fields parameter gets a partial response (a, a/b, a(b,c), *), and a
//     malformed one 400; fake-gcs-server sends whole resources;
//   - POST /batch/storage/v1 takes up to MaxBatch (100) JSON API calls in a
//     multipart/mixed body of less than 10 MB and answers each in order
//     with its Content-ID prefixed "response-"; fake-gcs-server has no
//     batch endpoint;
//   - Custom-Time moves forward only: a patch to an earlier time is
//     refused with 400 (the wording of the error is ours).
//
// Not modelled: rate limits (a mutation rate of one a second per object,
// 429s under load) and the per-call billing of batches.
package gcs
