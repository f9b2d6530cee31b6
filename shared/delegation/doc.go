// Package delegation builds authenticated clients for the Google Workspace
// APIs that act as a given user of the organisation. There is one code
// path; only the endpoint and the token source differ.
//
// # Production
//
// Keyless domain-wide delegation: for each subject the Factory builds a JWT
// claim set (iss = the delegation service account, sub = the user, scope =
// Scopes, aud = the token endpoint), has IAM Credentials signJwt sign it as
// the delegation account, and exchanges it at https://oauth2.googleapis.com/token
// with the JWT bearer grant. No key exists anywhere; the function's runtime
// identity needs roles/iam.serviceAccountTokenCreator on the delegation
// account, and the delegation account's client id must be granted Scopes
// in the Admin console. Tokens are cached per subject until they expire.
//
// # Locally
//
// With config.Workspace.Endpoint set to the Workspace emulator, the same
// code calls the emulator's signJwt and /token, and every API client's
// endpoint is the emulator's.
//
// # Pacing
//
// Every request goes through the pacer of its (subject, API) pair (package
// pacer), applied once as the clients' outermost transport, so that each
// retry carries a current token.
package delegation
