// Package devstack runs orgexport entirely on one machine: the official
// Firestore and Pub/Sub emulators, Cloud Storage (fake-gcs-server, in its
// own process, keeping objects in files), the Cloud Tasks emulator, the
// Workspace emulator with a synthetic organisation, an SMTP sink, the
// Pub/Sub push forwarder and a scheduler — and every function in its own
// process, configured through the same environment variables as in the
// cloud.
//
// Tokens are real everywhere: Cloud Tasks signs its dispatches, the push
// forwarder and the scheduler sign theirs with a local issuer standing in for
// Google's, and admins sign in with ID tokens from the Workspace emulator.
// Nothing in the functions knows it runs locally; only their configuration
// differs.
//
// Options.Duplicate (or Stack.SetDuplicate) delivers every Cloud Tasks
// dispatch and Pub/Sub push twice, concurrently or right after the
// original, to show that duplicates change nothing (issue 14).
package devstack
