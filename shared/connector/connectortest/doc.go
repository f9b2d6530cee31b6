// Package connectortest checks connectors: an in-memory Emitter that
// records what a connector writes, and Run, the conformance suite every
// connector passes against the Workspace emulator.
//
// # The suite
//
// Run exports each account of an Env and compares the result with the
// emulator's ground truth: every truth item is in the export (an entry with
// its item id and checksum, or an item recorded with Emitter.Item) or was
// recorded as a failure with a reason, and nothing else is. It then checks
// that resuming from every checkpoint yields the same items with none lost
// or duplicated, that a cancelled context stops the export promptly, and,
// when the Env can inject faults, that 429/503 answers are retried and that
// items made to fail are reported with reasons.
package connectortest
