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
// Every step is idempotent: tasks and events are delivered at least once.
package pipeline
