// Package conformance checks traffic with the Workspace emulator against
// the APIs' discovery documents, the reference Google ships in
// google.golang.org/api (for example chat/v1/chat-api.json).
//
// # The method table
//
// A Table is the compact part of the discovery documents a request is
// checked against: every method's HTTP method, path template and query
// parameters (type, enum, repeated, required), with each API's standard
// parameters. The emulator embeds one (generated with
// `go test ./emulators/workspace/ -run TestMethodTableIsCurrent -update`)
// and refuses what the real API refuses: an unknown query parameter, a
// value of the wrong type, a value outside an enum.
//
// # The strict transport
//
// Transport is a test-side http.RoundTripper: every request must be a
// method of a discovery document with only its parameters (the required
// ones present) and a JSON body fitting the request schema, and every JSON answer must fit the method's response
// schema (field names, JSON types, enum values) and decode into the
// google.golang.org/api client struct with unknown fields rejected; an
// error answer must have its API's shape. Violations are collected, not
// returned, so the code under test sees the emulator's answer unchanged.
package conformance
