// Package taskqueue creates Cloud Tasks for the export pipeline: the
// post-hold start, the per-account fan-out and continuations.
//
// Every task is named deterministically from what it does (export, account,
// part), so creating it twice is harmless: AlreadyExists is success. Tasks
// carry an OIDC token of the configured invoker service account, which the
// target function verifies.
package taskqueue
