// Package contacts exports a user's contacts as vCard 3.0 files in
// Takeout's layout: "Contacts/<group>/<group>.vcf" for every contact group
// ("My Contacts", "Starred", the user's own groups), and "Contacts/Other
// Contacts/Other Contacts.vcf" for the contacts Gmail collected. Photos are
// downloaded and embedded (PHOTO;ENCODING=b).
//
// Cards are built with github.com/emersion/go-vcard; this package adds
// what it leaves out: line folding at 75 octets, and removing the control
// characters a vCard value cannot hold.
//
// A contact in several groups is in each group's file, but its item is
// recorded only in the first of them, in export order, so the item index
// has it exactly once.
//
// # Resuming
//
// Groups are written in a fixed order, one entry each; the cursor is the
// number of groups written.
package contacts
