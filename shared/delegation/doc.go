// Package delegation builds authenticated clients for the Google Workspace
// APIs that act as a given user of the organisation. There is one code
// path; only the endpoint and the token source differ.
//
// # Production
//
// Keyless domain-wide delegation: for each subject the Factory builds a
// JWT claim set (iss = the delegation service account, sub = the user,
// scope = every scope, Scopes, aud = the token endpoint),
// has IAM Credentials signJwt sign it as the delegation account, and
// exchanges it at https://oauth2.googleapis.com/token with the JWT bearer
// grant. No key exists anywhere; the function's runtime identity needs
// iam.serviceAccounts.signJwt on the delegation account, and the delegation
// account's client id must be granted Scopes in the Admin console. Tokens
// are cached per subject and scope set until they expire.
//
// # A scope missing from the delegation entry
//
// Google refuses a token request whole (unauthorized_client) when it names
// one scope the client id is not authorised for, and does not say which.
// One token for every scope costs one signJwt call per subject, not one
// per API (an account is read through up to twelve APIs); when Google
// refuses it, each API asks for its own scopes only (ScopesFor), which
// keeps the damage to the products of that API. On a refusal of an API's
// set the source asks for each of the API's scopes alone to name the missing
// ones, and returns a *ScopeError (ErrScopeNotAuthorised, and fatal for the
// pacer) whose message is the fix. The refusal is remembered for a minute
// per scope set, since it holds for every user of the organisation.
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
