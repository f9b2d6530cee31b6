// Package report writes an export's report: report.html, a self-contained
// page that opens in a browser with no server and no script, and
// report.json, its machine-readable twin (R9).
//
// # Input
//
// The data plane converts its records into an [Input]: the export's
// metadata, the products that could not be exported (R7b) and an iterator
// over the accounts. Each [Account] carries its counts and archive parts,
// and an iterator over its failed items, which may be large (it is read
// from the bucket's failure lists while the report is written).
//
// # Streaming
//
// [Build] reads every account but keeps only its summary (type, id, parts,
// per-product counts, account-level errors): a few hundred bytes each, so
// 10,000 accounts take a few MiB. Failed items are never held: [Report.WriteHTML]
// and [Report.WriteJSON] pull them from each account's Failures iterator
// while writing, so both outputs stream in memory independent of the number
// of failures. Each write calls every Failures iterator of an account with
// errors once.
//
// # Order
//
// Accounts with errors come first, then accounts without; within each list
// accounts are sorted by id case-insensitively (Unicode simple lower case,
// the same on every machine), then by the exact id, then by type.
//
// # Names
//
// An account is shown by its display name when it has one that differs
// from its id (a shared drive's, a space's, a resource's, a group's name),
// with the id beside it; the id, which names the account's folder, stays
// what the lists are sorted by. An unsupported entry about one account
// names it the same way.
//
// # Safety
//
// Every value in report.html goes through html/template, and part links are
// relative ("./users/alice%40example.com/…") so the page works both from the
// bucket and from a downloaded copy. The page also carries a Content
// Security Policy that forbids scripts and any outside resource.
package report
