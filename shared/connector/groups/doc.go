// Package groups is the Groups connector: each group account (R6),
// including ownerless groups, holds its Directory record and its membership
// as JSON under "Groups/":
//
//	Groups/info.json      the group's email, name, description, aliases
//	Groups/members.json   every member with role, type and status
//	Groups/settings.json  the Groups Settings API's resource: who can join,
//	                      view, post; moderation; archive settings
//
// The files follow groups.schema.json. The group's id is the item of the
// export's index.
//
// Group conversations have no read API outside Vault; package vault exports
// them into the organisation's Vault account (Vault/Groups/), or reports
// them unsupported with the reason when the organisation has no Vault.
package groups
