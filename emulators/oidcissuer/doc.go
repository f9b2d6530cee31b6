// Package oidcissuer is a small OpenID Connect issuer for the local stack: it
// holds RS256 signing keys made at start, serves the discovery document and
// the JWKS, and mints ID tokens.
//
// The Cloud Tasks emulator signs its dispatches with one, the Pub/Sub push
// forwarder another, and the Workspace emulator issues admins' ID tokens with
// a third, so every handler verifies tokens exactly as in production, where
// Google is the issuer. Rotate adds a new key while keeping the old one
// published, to test key rotation in verifiers.
package oidcissuer
