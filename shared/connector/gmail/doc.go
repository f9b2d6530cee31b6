// Package gmail exports a user's mailbox: every message, spam and trash
// included, in Takeout's layout, "Mail/All mail Including Spam and
// Trash.mbox".
//
// # Format
//
// The mailbox is written as mboxrd: each message is preceded by a "From "
// separator line, and any line of the message that starts with zero or more
// ">" followed by "From " gets one more ">", so readers can tell separators
// from content and undo the escaping exactly. Go has no maintained mbox
// module (emersion/go-mbox is not on the module proxy), so the small writer
// is here, in mbox.go. Each message carries Takeout's X-GM-THRID (the
// thread id, in decimal) and X-Gmail-Labels (label names, comma-separated,
// RFC 2047-encoded when not ASCII) headers in front of its own.
//
// # Resuming
//
// Messages are listed in the API's order. The cursor is the list page's
// token, the index in that page, and the number of mbox files already
// written: an entry cannot span a checkpoint, so after each checkpoint the
// mailbox continues in "All mail Including Spam and Trash-2.mbox", "-3", ….
package gmail
