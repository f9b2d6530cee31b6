// Package frontdoor is the local stand-in for the front end Cloud Run puts
// before every gen2 function.
//
// # What it models
//
// For a service that requires IAM (its invokers are service accounts, as
// infra/invokers.tf grants roles/run.invoker), the front door does what
// Cloud Run does before the container sees a request:
//
//   - it takes the ID token from X-Serverless-Authorization when present
//     (that header wins), else from Authorization;
//   - it verifies the token: RS256 signature against the issuer's JWKS, an
//     issuer it trusts as Google, expiry, and an audience that is the
//     service's URL or one of its custom audiences;
//   - it checks that the token's account is one of the service's invokers;
//   - it refuses with 401 (no valid token) or 403 (a valid token of an
//     account that is not an invoker) before the function sees anything;
//   - it forwards the request with that token's signature replaced by
//     SIGNATURE_REMOVED_BY_GOOGLE, in the header it was read from, leaving
//     the other header untouched.
//
// For a service open to allUsers it forwards every request untouched.
//
// # What it does not model
//
// Cloud Run's HTML error pages (the front door answers plain text with the
// same status codes), access tokens of user accounts, IAM conditions,
// ingress settings, request size and timeout limits, the headers Cloud Run
// adds (X-Forwarded-*, X-Cloud-Trace-Context), and the time IAM takes to
// propagate. The statuses (403 without a token, 401 for an invalid one, 403
// for a caller without run.invoker) are as read in Cloud Run's
// documentation, not verified against Google here.
package frontdoor
