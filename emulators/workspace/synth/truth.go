package synth

import (
	"iter"
	"strings"
	"time"

	"github.com/orgexport/orgexport/shared/export"
)

// TruthAccount is an account a complete export covers, before the cut-off
// is applied: Created lets a test work out who falls after the cut-off (R4).
type TruthAccount struct {
	Type export.AccountType
	// ID is the account's id in the archive: a user's or group's email, a
	// shared drive's id or a resource's email.
	ID      string
	Name    string
	Kind    string // for customer-owned data: "shared-drive", "calendar-resource", "chat-space" or "vault"
	Created time.Time
	// Ownerless marks groups without an owner.
	Ownerless bool
	Suspended bool
}

// ExcludedAt reports whether an export that starts exporting data at start
// leaves the account out: it was created less than 24 hours before (R4).
func (a TruthAccount) ExcludedAt(start time.Time) bool {
	return a.Created.After(start.Add(-24 * time.Hour))
}

// TruthItem is one item a complete export of an account must contain.
type TruthItem struct {
	Product export.Product `json:"product"`
	ItemID  string         `json:"item_id"`
	Name    string         `json:"name"`
	// SHA256 (hex) and Size are of the bytes the emulator serves: raw
	// RFC 822 for mail, content for binary files, the primary export format
	// for Google files. Events and contacts have neither.
	SHA256      string `json:"sha256,omitempty"`
	Size        int64  `json:"size,omitempty"`
	AlwaysFails bool   `json:"always_fails,omitempty"`
	Note        string `json:"note,omitempty"`
}

// Accounts lists every account: users, groups, shared drives, resources,
// named Chat spaces and, last, the one account "vault" (Vault-only data;
// listed with or without Options.Vault, empty without it).
func (g *Org) Accounts() []TruthAccount {
	var as []TruthAccount
	for _, u := range g.users {
		as = append(as, TruthAccount{Type: export.User, ID: u.Email, Name: u.FullName(), Created: u.Created, Suspended: u.Suspended})
	}
	for _, gr := range g.groups {
		as = append(as, TruthAccount{Type: export.Group, ID: gr.Email, Name: gr.Name, Created: g.customer.Created, Ownerless: gr.Ownerless()})
	}
	for _, d := range g.drives {
		as = append(as, TruthAccount{Type: export.Customer, ID: d.ID, Name: d.Name, Kind: "shared-drive", Created: d.Created})
	}
	for _, r := range g.resources {
		as = append(as, TruthAccount{Type: export.Customer, ID: r.Email, Name: r.Name, Kind: "calendar-resource", Created: g.customer.Created})
	}
	as = append(as, g.spaceAccounts()...)
	return append(as, g.vaultAccount())
}

// Truth yields the items of the account with the given id. Computing it
// generates every item's bytes, so it takes as long as reading them.
func (g *Org) Truth(accountID string) iter.Seq[TruthItem] {
	return func(yield func(TruthItem) bool) {
		if accountID == VaultAccountID {
			_ = g.vaultTruth(yield)
			return
		}
		if u, ok := g.UserByEmail(accountID); ok {
			// Google refuses delegated reads of a suspended account: none
			// of its products can be read as the user. Its mail and its
			// Drive files are in the Vault account's truth when the
			// organisation has Vault.
			if !u.Suspended {
				_ = g.userTruth(u.Index, yield)
			}
			return
		}
		if g.groupTruth(accountID, yield) {
			return
		}
		if g.spaceTruthByID(accountID, yield) {
			return
		}
		for _, d := range g.drives {
			if d.ID == accountID {
				// Nobody can read a drive without members: its export is
				// unsupported, with the reason, and it has no items.
				if !d.Orphaned() {
					_ = g.driveTruth(Owner{Shared: true, Index: d.Index}, yield)
				}
				return
			}
		}
		for i, r := range g.resources {
			if strings.EqualFold(r.Email, accountID) {
				_ = g.calendarTruth(g.ResourceCalendar(i), yield)
				return
			}
		}
	}
}

func (g *Org) userTruth(u int, yield func(TruthItem) bool) bool {
	for j := range g.MessageCount(u) {
		raw := g.Raw(u, j)
		if !yield(TruthItem{Product: export.Gmail, ItemID: g.MessageID(u, j), Name: g.Message(u, j).Subject, SHA256: sum(raw), Size: int64(len(raw))}) {
			return false
		}
	}
	if !g.driveTruth(Owner{Index: u}, yield) {
		return false
	}
	for _, c := range g.Calendars(u) {
		if !g.calendarTruth(c, yield) {
			return false
		}
	}
	for n := range g.ContactCount(u) {
		p := g.Contact(u, n)
		if !yield(TruthItem{Product: export.Contacts, ItemID: p.ResourceName, Name: p.Given + " " + p.Family}) {
			return false
		}
	}
	for n := range g.OtherContactCount(u) {
		p := g.OtherContact(u, n)
		if !yield(TruthItem{Product: export.Contacts, ItemID: p.ResourceName, Name: p.Email, Note: "other contact"}) {
			return false
		}
	}
	return g.productsTruth(u, yield)
}

// driveTruth yields binary files and Google files; folders, shortcuts and
// trashed files are not items of an export.
func (g *Org) driveTruth(o Owner, yield func(TruthItem) bool) bool {
	for k := range g.FileCount(o) {
		f := g.File(o, k)
		if f.Trashed || f.MimeType == MimeFolder || f.MimeType == MimeShortcut {
			continue
		}
		it := TruthItem{Product: export.Drive, ItemID: f.ID, Name: f.Name}
		switch {
		case f.NoExport():
			it.AlwaysFails, it.Note = true, "export over Drive's 10 MB limit and no export link"
		case f.Binary():
			it.SHA256, it.Size = f.Content.SHA256(), f.Size
			if f.Abusive {
				it.Note = "flagged as malware or spam: downloaded with acknowledgeAbuse=true"
			}
		default:
			format := ExportFormats(f.MimeType)[0]
			sha, n, err := g.ExportSHA256(f, format)
			if err != nil {
				continue
			}
			it.SHA256, it.Size, it.Note = sha, n, "exported as "+format
		}
		if !yield(it) {
			return false
		}
	}
	return true
}

// calendarTruth yields events and modified exceptions; cancelled events and
// cancelled exceptions are not items.
func (g *Org) calendarTruth(c Calendar, yield func(TruthItem) bool) bool {
	for row := range c.EventRows() {
		ev, ok := g.Event(c, row)
		if !ok || ev.Status == "cancelled" {
			continue
		}
		if !yield(TruthItem{Product: export.Calendar, ItemID: ev.ID, Name: ev.Summary, Note: "calendar " + c.ID}) {
			return false
		}
	}
	return true
}
