// Package setupcheck is the setup check an administrator runs before the
// first export (GET /setup on StartExport): it tries each Workspace API
// orgexport reads once, as the administrator and as one other user, and
// says per product whether it is ready or what is missing and how to fix
// it.
//
// # What it recognises
//
//   - A scope missing from the Admin console's domain-wide delegation entry
//     (the token endpoint refuses the API's token: delegation.ScopeError).
//   - An API not enabled in the project (403 accessNotConfigured,
//     SERVICE_DISABLED).
//   - No Chat app configured in the project (Chat answers 404 "Google Chat
//     app not found").
//   - Vault refusing the administrator (403): no Vault licence, or not the
//     Vault privileges.
//
// Anything else is reported with Google's reason, as not ready. The check
// reads one item at most of each API and changes nothing.
package setupcheck
