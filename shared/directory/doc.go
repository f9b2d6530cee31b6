// Package directory is the adapter between orgexport's planes and the Admin
// SDK Directory API: who a caller is and whether they may export (R1), the
// organisation's super administrators (R3), and the accounts of an export of
// all four types (R6) a page at a time — users, groups, shared drives (listed
// with useDomainAdminAccess), calendar resources, the Chat spaces of the
// organisation and its Vault.
//
// It implements control.Directory and pipeline.Directory, translating the
// API's answers into their terms: a refusal to read the caller as an
// administrator becomes control.ErrNotSuperAdmin.
package directory
