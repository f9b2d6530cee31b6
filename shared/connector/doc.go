// Package connector declares what every Workspace product connector
// implements, and what the export pipeline gives it to write into.
//
// A connector lists one account's items of one product through the real
// google.golang.org/api client and writes each into the account's zip part
// through an Emitter, in Takeout's layout. It reports every item it cannot
// export with a reason a person can read, and never drops one silently.
//
// # Resuming
//
// Exports are long. After each item (or batch of items) a connector calls
// Emitter.Checkpoint with a cursor from which it can resume. When the pipeline
// decides to cut the part there (the part is full, or the invocation's time
// is nearly up) Checkpoint returns ErrCut; the connector returns it at once,
// and a later call of Export with that cursor carries on from there in the
// next part. A cursor is opaque to the pipeline and at most 1 KiB.
package connector
