// Package blob is the port to the export bucket: writing parts, reports and
// manifests as objects, reading them back, listing and deleting them.
//
// # Implementations
//
// GCS stores objects in Cloud Storage through cloud.google.com/go/storage,
// with resumable uploads in chunks of a configured size. OpenGCS builds its
// client the standard way, so STORAGE_EMULATOR_HOST points it at
// fake-gcs-server; NewGCS takes any client. Memory keeps objects in memory,
// for tests. Discard keeps nothing but each object's size and checksums, to
// measure the pipeline without a store.
//
// All of them pass the conformance suite in package blobtest.
//
// # Uploads
//
// An object appears only when its writer's Close returns nil. Cancelling the
// context given to NewWriter abandons the upload: Close then fails and no
// object is created or replaced. Writing an existing name replaces it, so a
// part whose upload failed is redone under the same name.
package blob
