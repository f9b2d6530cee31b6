// Package duplicate makes the local stack's deliveries happen twice, as
// Google's at-least-once services sometimes do: Cloud Tasks documents that
// "rarely, a task may be executed more than once", and Pub/Sub push may
// deliver a message again even after it was acknowledged.
//
// The Cloud Tasks emulator (emulators/cloudtasks) and the push forwarder
// (emulators/pubsubpush) take a Mode. With duplicates on, every dispatch or
// push is sent a second time — the same request: URL, headers, body and the
// same token — either at the same time as the original (Concurrent) or
// right after the original answered (After); Alternating takes turns. The
// original's answer alone decides what happens next (a retry, a deletion,
// an acknowledgement); the duplicate's answer is only logged, as the
// service would see only one delivery.
//
// A Mode is chosen on the command line with -duplicate
// off|concurrent|after|alternating (it implements encoding.TextUnmarshaler,
// for flag.TextVar).
package duplicate
