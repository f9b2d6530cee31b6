// Package pubsubpush delivers Pub/Sub messages from the local Pub/Sub
// emulator to HTTP endpoints the way Pub/Sub push subscriptions do in
// production, including the signed OIDC token.
//
// # Why it exists
//
// The official Pub/Sub emulator can push, but it sends no Authorization
// header, even when the subscription names a service account (verified).
// Our functions verify the push token on every call, as in production, so
// the emulator's own push would be refused. The forwarder instead pulls from
// a subscription on the emulator and POSTs each message itself:
//
//   - the body is Pub/Sub's push format,
//     {"message":{"data","attributes","messageId","publishTime",...},"subscription":"projects/P/subscriptions/S"},
//     which functions-framework-go turns into a CloudEvent (it reads the
//     topic from the request path, so endpoints end in projects/P/topics/T);
//   - Authorization: Bearer carries an ID token minted by a local OIDC issuer
//     (emulators/oidcissuer) for the route's service account, with the
//     endpoint URL (or a configured audience) as audience;
//   - 102, 200, 201, 202 and 204 acknowledge the message; any other status,
//     a timeout or a refused connection is a negative acknowledgement, and
//     the message is delivered again after Pub/Sub's exponential backoff
//     (10 s doubling to 600 s by default; tests shrink it);
//   - with MaxDeliveryAttempts set, the push body carries deliveryAttempt and
//     a message that still fails is republished to the dead-letter topic with
//     Pub/Sub's CloudPubSubDeadLetterSource* attributes, or dropped.
//
// Delivery is at least once, as in production: a message whose lease the
// forwarder loses may be pushed twice. When the forwarder stops it pulls no
// more; pushes in flight may finish for Options.Drain, and those cut off
// then are left unacknowledged for the next run, without a warning: the
// stop abandoned them, the endpoint did not refuse them.
//
// # Duplicate delivery
//
// Pub/Sub may deliver a message more than once, even after it was
// acknowledged, and push endpoints must be idempotent. Options.Duplicate
// (or Forwarder.SetDuplicate, while running) makes that happen on every
// push, to prove that they are: each push is sent a second time with the
// same body (messageId, publishTime, deliveryAttempt) and the same token,
// either at the same time as the original (duplicate.Concurrent), right
// after the original answered (duplicate.After), or taking turns
// (duplicate.Alternating). Only the original's answer acknowledges the
// message or has it retried; the duplicate's is only logged. Retries are
// pushes, so they are duplicated too. Not modelled: redeliveries long
// after the acknowledgement, more than two copies, or a duplicate counted
// in deliveryAttempt.
package pubsubpush
