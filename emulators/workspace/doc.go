// Package workspace is an emulator of the Google Workspace REST APIs that
// orgexport reads: Admin SDK Directory, Gmail, Drive v3, Calendar v3,
// People, Tasks, Keep, Chat, Classroom and Groups Settings, served from one HTTP server at Google's paths, with the data of a
// synthetic organisation (package synth).
//
// # Clients
//
// Only the google.golang.org/api clients are used against it. Build each
// with option.WithEndpoint(s.Endpoint(api)) and an http client or token
// source for a subject (s.TokenSource(email), or s.ServiceAccountKey() with
// golang.org/x/oauth2/google.JWTConfigFromJSON, as with domain-wide
// delegation in production).
//
// # Authentication
//
// POST /token issues access tokens: the JWT-bearer grant with an assertion
// signed by the emulator's service account key (the subject is the "sub"
// claim), or the emulator's own form, sub=user@domain. Access tokens are
// HMAC-signed, so the server keeps no token table. A user's mail, files,
// calendars and contacts are served only to a token for that user; Directory
// calls, shared drives via useDomainAdminAccess and resource calendars need a
// super administrator's token.
//
// # Faults and ground truth
//
// Faults (429 and 403 rate limits with Retry-After, 500/503, latency,
// truncated bodies, items that always fail) are set per API at start or by
// PUT /emulator/faults. GET /emulator/truth lists the accounts and
// GET /emulator/truth/{account} streams, as NDJSON, what a complete export
// of the account must contain. An OIDC issuer for sign-in is at /oidc.
package workspace
