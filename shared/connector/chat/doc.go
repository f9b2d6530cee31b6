// Package chat is the Google Chat connector, in Takeout's layout:
//
//	Google Chat/Groups/<space>/group_info.json  the space's name and members
//	Google Chat/Groups/<space>/messages.json    every message, oldest first
//	Google Chat/Groups/<space>/messages.html    the same, readable in a browser
//	Google Chat/Groups/<space>/<file>           each uploaded attachment
//	Google Chat/Users/<user>/user_info.json     the user and their memberships
//
// The JSON files carry Takeout's field names (chat.schema.json): dates as
// "Thursday, November 3, 2016 at 11:59:50 AM UTC", message ids as
// "<space>/<topic>/<message>", Drive files as annotations; Google publishes
// no schema, so the emulator's README names where each was taken from. The
// item index keeps the API's message names.
//
// # Whose account holds what
//
// A user's account holds their direct messages and group chats (spaces.list
// as the user). Named spaces created by the organisation's users are
// customer-owned accounts (R6, Kind "chat-space"), found by the admin's
// spaces.search with useAdminAccess (the query names customer and
// space_type, as the reference does). The admin lists a space's members
// with useAdminAccess and the filter it requires (member.type = "HUMAN");
// the Chat API then names members only by "users/{id}", which the
// connector resolves through the Directory. The Chat API gives administrators no
// access to messages, so a space's messages and attachments are read as one
// of its members from the organisation (domain-wide delegation); a space
// with no such member is reported as unsupported, with that reason.
//
// # Resuming
//
// Each space is written whole (three passes over its messages: the JSON,
// the HTML, the attachments); the cursor is the number of spaces done. A
// user account writes user_info.json first, at cursor "0".
package chat
