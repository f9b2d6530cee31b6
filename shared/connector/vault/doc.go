// Package vault exports what only Google Vault returns (R7, R7a): the mail
// users deleted that Vault retention still keeps, the data Vault holds for
// matters, and group conversations, which have no read API outside Vault.
//
// The organisation's Vault is one customer-owned account (R6, Kind "vault",
// folder customer/vault/). Its export runs in stages, each resumable from
// its checkpoint:
//
//  1. Vault/matters.json: the organisation's own matters and their holds
//     (who is held, for what). A 403 here means no Vault licence or no
//     Vault privilege: the product is reported unsupported, with the reason.
//  2. A matter named "orgexport <export id>" (found again by name on a
//     retry) and in it one Vault export per data set: MAIL with the search
//     "label:^deleted" over the whole organisation (only the messages users
//     deleted; their live mail is in their own folders), MAIL with
//     "-label:^deleted" for the suspended users (Google refuses delegated
//     reads of a suspended account's mailbox, Vault reads it; up to 100
//     accounts an export, with no end time), DRIVE of all data by account
//     for the same suspended users (Drive lists their files but serves no
//     content; Vault exports the files they own, Google files converted),
//     GROUPS over every
//     group (conversations), and for each other corpus in which an open
//     matter holds data, that held data. Searches end at the export's
//     cut-off (R4), and Vault is asked to keep the files in the US (R8a).
//  3. Wait for Vault, polling; a wait longer than one invocation is cut
//     and carried on by the next part, which then holds no file.
//  4. Copy every file of every export into Vault/<corpus>/, checking each
//     against the MD5 Vault lists; a file that does not match is reported
//     as failed, and so is every item its export lists. Vault's metadata
//     file of each export (EDRM XML) names the items: they go into the
//     account's item index. The zips of the suspended accounts' Drive
//     exports are not copied whole but unpacked (drive.go): each file is
//     an entry of its own, Vault/Drive/<export>/<email>/<name>, whose item
//     is the Drive file id, checked against the metadata's SHA-256.
//  5. Vault/exports.json (what was asked of Vault and what it answered),
//     then the matter is closed and deleted, which deletes Vault's copies.
//
// Vault can run 20 exports at a time in an organisation; a refusal for that
// reason is waited out like a running export. When the account will not
// finish (its export was cancelled, or it failed at the 14-day limit), the
// pipeline calls Discard, which deletes the matter.
//
// The files follow the stages: cursor.go (the stages and the cursor),
// holds.go (1), matter.go (2, and closing and deleting the matter in 5),
// plan.go (what to ask of Vault), wait.go (3, and Vault/exports.json),
// copy.go (4), drive.go (4, the unpacked Drive zips).
package vault
