// Package workspace builds authenticated clients for the Google Workspace
// APIs: in production by impersonating each user through keyless domain-wide
// delegation (IAM Credentials signJwt), locally against the Workspace
// emulator's endpoint. There is one code path; only the endpoint and the
// token source differ.
package workspace
