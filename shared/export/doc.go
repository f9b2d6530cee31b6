// Package export holds orgexport's domain: an export and its accounts, their
// states and the forward-only transitions between them, and the product rules
// of docs/rules.md (eligibility R1, one export per 30 days R2, the hold R3, the
// cut-off R4, the 14-day limit R10, retention R12 and the retry of what
// failed R16) as pure functions of an injected clock.
//
// Nothing here talks to a network; adapters (Firestore, Cloud Tasks, the
// Workspace APIs) live in their own packages and are declared here only as the
// small interfaces the rules need.
package export
