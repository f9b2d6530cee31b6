// Package auth verifies the OIDC ID tokens every entry point requires.
//
// There is one verification path, with no mode that skips it: the token's
// signature against the issuer's published keys (discovery and JWKS, cached
// and refreshed on key rotation by github.com/coreos/go-oidc), its issuer,
// audience and expiry, and — for service-to-service calls from Cloud Tasks,
// Pub/Sub push and Cloud Scheduler — that it belongs to one of the expected
// service accounts. In production the issuer is Google; locally it is the
// emulators' own issuer. Only configuration differs.
package auth
