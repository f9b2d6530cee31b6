// Package auth verifies the OIDC ID tokens every entry point requires.
//
// There is one verification path: the token's signature against the
// issuer's published keys (discovery and JWKS, cached and refreshed on key
// rotation by github.com/coreos/go-oidc), its issuer, audience and expiry,
// and — for service-to-service calls from Cloud Tasks, Pub/Sub push and
// Cloud Scheduler — that it belongs to one of the expected service
// accounts. In production the issuer is Google; locally it is the
// emulators' own issuer. Only configuration differs.
//
// # Behind Cloud Run IAM
//
// A gen2 function whose Cloud Run service admits only its callers' service
// accounts never sees a signature: Cloud Run verifies the ID token (from
// X-Serverless-Authorization when present, else Authorization) and hands it
// on with the signature replaced by SignatureRemoved. A Verifier built with
// Options.BehindCloudRunIAM — set by infra/ from the same list that makes
// those accounts the only invokers — accepts such a token, and still checks
// its issuer, audience, expiry and caller. Without that option an unsigned
// token is refused: a function open to allUsers would otherwise accept a
// token anyone can write.
package auth
