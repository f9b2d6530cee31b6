// Package console is the admin console (R17): the web pages super
// administrators use to start, watch and cancel exports, open the report and
// read the history and the audit log. StartExport serves it beside the API,
// on the same origin, so the pages call the API without CORS.
//
// # Sign-in
//
// The OpenID Connect authorization-code flow with PKCE (go-oidc and
// golang.org/x/oauth2) against the configured issuer: Google in production,
// the Workspace emulator locally. The ID token's "hd" claim and the Directory
// decide who the admin is, exactly as for the API's Bearer tokens (package
// control). The session is a cookie (gorilla/securecookie: HMAC-signed and
// AES-encrypted with keys derived from the secret ORGEXPORT_CONSOLE_SESSION_KEY),
// HttpOnly, SameSite=Lax, Secure on https, living at most 8 hours.
//
// # Requests
//
// Every page asks the control plane, which checks in the Directory that the
// caller is still a super administrator, so a demoted admin loses the
// console at the next click. Every state-changing request is a POST that
// carries the session's CSRF token and passes net/http's
// CrossOriginProtection. Pages send a strict Content-Security-Policy: scripts,
// styles and requests only from the console's own origin, no inline script.
// The report is served with "Content-Security-Policy: sandbox" and runs no
// script.
//
// # Refusals
//
// Every refusal is a page that says what happened and what to do: not a
// super administrator, a personal account, an export that is not the
// organisation's (it looks like one that does not exist), an expired
// session, a failed CSRF check, a server error. None shows a stack trace or
// raw JSON.
package console
