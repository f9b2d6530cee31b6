// Package contacts exports a user's contacts as vCard 3.0 files in
// Takeout's layout: "Contacts/All Contacts/All Contacts.vcf" with every
// contact once, "Contacts/<group>/<group>.vcf" for every contact group
// ("My Contacts", "Starred", the user's own groups), and "Contacts/Other
// Contacts/Other Contacts.vcf" for the contacts Gmail collected. Photos are
// downloaded and embedded (PHOTO;ENCODING=b).
//
// Every person field a vCard can hold is asked for and written: names,
// nicknames, email addresses, phone numbers, addresses (ADR), the birthday
// (BDAY; --MM-DD without a year), organisations (ORG with the department,
// TITLE), notes, photos, the groups (CATEGORIES), and, as Google Contacts
// writes them in vCard 3.0, events (X-ABDATE), URLs and relations
// (X-ABRELATEDNAMES), each grouped with its X-ABLabel.
//
// Cards are built with github.com/emersion/go-vcard; this package adds
// what it leaves out: line folding at 75 octets, and removing the control
// characters a vCard value cannot hold.
//
// A contact is in All Contacts and in each of its groups' files; its item
// is recorded in All Contacts, so the item index has it exactly once.
//
// # Resuming
//
// Groups are written in a fixed order, one entry each; the cursor is the
// number of groups written.
package contacts
