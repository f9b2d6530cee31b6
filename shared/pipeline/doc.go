// Package pipeline is the export's data plane: from the end of the hold to
// the completion email.
//
//   - Begin (BeginExport's task) re-checks the requester (R3c), fixes the
//     cut-off (R4), and pages through the organisation's accounts of all
//     four types (R6), recording each and enqueuing one named task per
//     account, with a checkpoint after every page.
//   - Account (ExportAccount's task) runs the account's products through the
//     connectors into numbered zip parts streamed to the bucket (R7, R8). A
//     part is a checkpoint: when it is full, or the invocation's time is
//     nearly up, the part is finished, the cursor saved and a continuation
//     task enqueued. A crash mid-part redoes that part under the same name.
//   - Assemble (AssembleReport's event) decides once that every account is
//     final, writes manifest.json and the report (R9), completes the export,
//     starts the cool-down and emails the requester (R11).
//
// A retry of what failed (R16) is an export record of its own that runs
// through the same steps: Begin takes its accounts from the source export's
// accounts with failures instead of the Directory, Account runs only their
// failed products (items by id where the connector can), and Assemble
// writes its report under retry-N/ and then the original's again with it.
//
// Every step is idempotent: tasks and events are delivered at least once.
package pipeline
