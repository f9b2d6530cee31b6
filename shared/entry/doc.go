// Package entry gives every function the same start: configuration read once
// from the environment and validated, the logger, and — for the functions
// that Cloud Tasks, Pub/Sub push and Cloud Scheduler call — verification of
// the caller's OIDC token before anything else.
package entry
