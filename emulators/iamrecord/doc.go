// Package iamrecord records which Google Cloud IAM permissions each
// function exercises against the local emulators, so a test can compare
// them with what infra/ grants.
//
// Locally no request carries an identity the emulators could check, so
// each function gets its own proxy in front of each emulator (Cloud
// Storage, Firestore, Pub/Sub, Cloud Tasks, IAM Credentials): the port a
// request arrives on names the function. A classifier per API turns each
// request into the permissions Google checks for it, as Google's
// documentation lists them (read, not verified here): for example an upload
// over an existing object needs storage.objects.delete besides
// storage.objects.create, and a task carrying an OIDC token needs
// iam.serviceAccounts.actAs on its service account. A request no
// classifier knows is recorded as "unclassified:<method>", so a test sees
// it instead of missing it.
package iamrecord
