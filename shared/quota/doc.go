// Package quota is the one table of the Google quotas that bound an
// export, with where each number comes from, and what follows from it:
// how fast each exported account may call each API (Table.PerAccount,
// which the pacer enforces), how many calls of an API an account keeps
// in flight (Table.Workers, each connector's concurrency), and the rates
// of the export-accounts Cloud Tasks queue (Table.AccountsQueue, which
// infra/tasks.tf must match: a test in infra/ checks it).
//
// # The model
//
// Google counts each API's calls twice at once: per Cloud project (every
// account, every customer of this deployment) and per user (the subject
// a delegated token acts as). An export runs at most
// Table.ConcurrentAccounts accounts at once (the queue's
// max_concurrent_dispatches), each in its own ExportAccount invocation,
// so one account's share of a project quota of an API every account
// calls (Limit.Shared) is 1/ConcurrentAccounts of it. The APIs called in
// bulk by one invocation at a time (Directory at enumeration, Vault for
// the customer account, Reports for the estimate) may use all of theirs.
// Of every limit only Headroom (80 %)
// is planned for, leaving the rest for the console, other tools of the
// same project and Google's own rounding of windows.
//
// Numbers are Google's defaults for a new project, read from the pages
// named in each Limit's Source; a deployment whose quotas were raised
// can pass its own Table. Where Google publishes no number the Limit says
// so (Published false) and the pacer only retries what Google refuses.
package quota
