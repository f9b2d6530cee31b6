// Package googletasks is the Tasks connector: a user's task lists, in Google
// Takeout's shape, as one file:
//
//	Tasks/Tasks.json  {"kind":"tasks#taskLists","items":[{list…, "items":[task…]}]}
//
// Every task is included: open, completed, hidden (completed and cleared)
// and recently deleted ones (tasks.list with showCompleted, showHidden and
// showDeleted; 100 per page, the API's maximum).
//
// # Deletion time
//
// The Tasks API has no field for when a task was deleted. A deleted task's
// updated time is the time of its last change, which is its deletion, so
// the export copies updated into deletionTime for every task with
// deleted=true. The JSON Schema (tasks.schema.json) says the same.
//
// # Resuming
//
// The file is written whole and streamed task by task; the only cursor is
// "done", after it.
package googletasks
