// Package synth generates a deterministic synthetic Google Workspace
// organisation from a seed and a size.
//
// Everything is a pure function of Options (seed, sizes and a fixed "now"):
// an account's attributes, a message's bytes and a file's bytes are computed
// when asked for, from a pseudo-random generator seeded with a hash of the
// seed and the item's coordinates. Only small per-organisation tables (user,
// group, shared drive and resource metadata) are held in memory, so an
// organisation of 10,000 users and hundreds of gigabytes costs a few
// megabytes; listings are index ranges, so paging is O(page).
//
// # Ground truth
//
// Truth lists, for one account, every item a complete export must contain,
// with the SHA-256 and size of the bytes the emulator serves for it. Items an
// export must not contain (trashed files, shortcut targets, deleted events)
// are left out.
package synth
