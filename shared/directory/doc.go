// Package directory reads what the control plane and the export fan-out
// need from the Admin SDK Directory API (and Drive's shared drive list),
// acting as a super administrator through domain-wide delegation.
//
// # Uses
//
//   - Eligibility (R1): Customer for customerCreationTime, User for the
//     requesting admin (isAdmin, 2SV enrolled and enforced, creationTime),
//     CountUsers for the 1,000-user rule, SuperAdmins for the hold (R3).
//   - Enumeration (R6): Users, Groups (with member counts and ownerless
//     detection), Resources and SharedDrives, one page per call. Each
//     returns the next page's token ("" after the last page), so BeginExport
//     can checkpoint between pages. UserAccount, GroupAccount, DriveAccount
//     and ResourceAccount turn each into the connector.Account the
//     connectors export (with the subject to impersonate).
//
// Errors are wrapped with what was being read; a missing user is
// ErrNotFound.
package directory
