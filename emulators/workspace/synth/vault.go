package synth

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"time"

	"github.com/orgexport/orgexport/shared/export"
)

// Google Vault: with Options.Vault the organisation has Vault licences and
// its super admins Vault privileges. Vault keeps what users deleted while
// retention holds it (RetainedPerUser messages a user, which the Gmail API
// no longer lists) and group conversations (PostsPerGroup a group, which no
// other API returns). Both are the items of the customer-owned account
// "vault" (VaultAccountID); the pre-existing matters and holds are
// metadata for matters.list and holds.list.

const kVault uint64 = 130

// VaultAccountID is the id of the customer-owned account that stands for
// the data only Vault returns. Accounts lists it whether or not the
// organisation has Vault.
const VaultAccountID = "vault"

// RetainedMessage is a mail message a user deleted that Vault retention
// still keeps.
type RetainedMessage struct {
	User, Index int
	ID          string
	Subject     string
	Date        time.Time
}

// GroupPost is one message of a group's conversations.
type GroupPost struct {
	Group, Index int
	ID           string
	Subject      string
	Date         time.Time
	// Sender is the posting member's user index.
	Sender int
}

// Matter is a Vault matter that exists before any export.
type Matter struct {
	ID, Name, Description string
	State                 string // OPEN or CLOSED
	Holds                 []Hold
}

// Hold is a matter's hold: on accounts (user indexes) or on an org unit.
type Hold struct {
	ID, Name string
	Corpus   string // MAIL, DRIVE, GROUPS, ...
	Accounts []int
	// OrgUnit is the held org unit's path, empty for a hold on accounts.
	OrgUnit string
	Updated time.Time
}

// OrgUnit is an organisational unit users belong to.
type OrgUnit struct {
	ID, Path string
}

// vaultData reports whether there is Vault-only data at all.
func (g *Org) vaultData() bool { return g.opt.Vault && g.HasData() }

// RetainedCount is the number of the user's deleted, retained messages.
func (g *Org) RetainedCount(user int) int {
	if !g.vaultData() {
		return 0
	}
	return g.opt.RetainedPerUser
}

// RetainedID is retained message j's id: "19", the user and j in hex and a
// hash, 16 characters like a Gmail id but never equal to one ("18…").
func (g *Org) RetainedID(user, j int) string {
	return fmt.Sprintf("19%06x%02x%06x", user, j, uint32(g.hash(kVault, 'r', uint64(user), uint64(j)))&0xffffff)
}

// Retained returns retained message j's metadata. Dates spread over the
// weeks before Now: message j is 3+7j days (and a few hours) old.
func (g *Org) Retained(user, j int) RetainedMessage {
	age := time.Duration(3+7*j)*24*time.Hour + time.Duration(user%12)*time.Hour
	return RetainedMessage{User: user, Index: j, ID: g.RetainedID(user, j),
		Subject: fmt.Sprintf("Deleted draft %d", j), Date: g.opt.Now.Add(-age).Truncate(time.Second)}
}

// RetainedRaw returns retained message j's RFC 822 bytes (CRLF line ends,
// ending in CRLF). Odd messages have body lines starting "From " and
// ">From ", which an mboxrd writer must quote.
func (g *Org) RetainedRaw(user, j int) []byte {
	u, m := g.users[user], g.Retained(user, j)
	peer := g.users[(user+1+j)%len(g.users)]
	var b bytes.Buffer
	hdr := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	hdr("Message-ID", fmt.Sprintf("<%s.%d@%s>", m.ID, user, g.opt.Domain))
	hdr("Date", m.Date.Format(time.RFC1123Z))
	hdr("From", fmt.Sprintf("%s <%s>", u.FullName(), u.Email))
	hdr("To", fmt.Sprintf("%s <%s>", peer.FullName(), peer.Email))
	hdr("Subject", m.Subject)
	hdr("MIME-Version", "1.0")
	hdr("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(&b, "\r\nHi %s,\r\n\r\nA draft I deleted (%d); Vault still keeps it.\r\n", peer.GivenName, j)
	if j%2 == 1 {
		b.WriteString("From the archive: quarterly numbers.\r\n>From an earlier reply.\r\n")
	}
	return b.Bytes()
}

// GroupPostCount is the number of messages in the group's conversations.
func (g *Org) GroupPostCount(group int) int {
	if !g.vaultData() || len(g.groups[group].Members) == 0 {
		return 0
	}
	return g.opt.PostsPerGroup
}

// GroupPostID is post j's id: "1a", the group and j in hex and a hash.
func (g *Org) GroupPostID(group, j int) string {
	return fmt.Sprintf("1a%06x%02x%06x", group, j, uint32(g.hash(kVault, 'p', uint64(group), uint64(j)))&0xffffff)
}

// GroupPost returns post j's metadata: sent by member j (round robin),
// 2+2j days old.
func (g *Org) GroupPost(group, j int) GroupPost {
	gr := g.groups[group]
	age := time.Duration(2+2*j)*24*time.Hour + time.Duration(group%12)*time.Hour
	return GroupPost{Group: group, Index: j, ID: g.GroupPostID(group, j),
		Subject: fmt.Sprintf("Post %d to %s", j, gr.Email), Date: g.opt.Now.Add(-age).Truncate(time.Second),
		Sender: gr.Members[j%len(gr.Members)].UserIndex}
}

// GroupPostRaw returns post j's RFC 822 bytes, posted to the group's
// address by a member (CRLF line ends, ending in CRLF).
func (g *Org) GroupPostRaw(group, j int) []byte {
	gr, p := g.groups[group], g.GroupPost(group, j)
	from := g.users[p.Sender]
	var b bytes.Buffer
	hdr := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	hdr("Message-ID", fmt.Sprintf("<%s@%s>", p.ID, g.opt.Domain))
	hdr("Date", p.Date.Format(time.RFC1123Z))
	hdr("From", fmt.Sprintf("%s <%s>", from.FullName(), from.Email))
	hdr("To", gr.Email)
	hdr("Subject", p.Subject)
	hdr("MIME-Version", "1.0")
	hdr("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(&b, "\r\nHello team,\r\n\r\nPost %d of the conversation.\r\n", j)
	return b.Bytes()
}

// OrgUnits lists the organisational units users are in, root first.
func (g *Org) OrgUnits() []OrgUnit {
	var out []OrgUnit
	for _, p := range []string{"/", "/Admins", "/Staff", "/Staff/Sales"} {
		out = append(out, OrgUnit{ID: g.orgUnitID(p), Path: p})
	}
	return out
}

// OrgUnitByID finds an org unit by its id.
func (g *Org) OrgUnitByID(id string) (OrgUnit, bool) {
	for _, ou := range g.OrgUnits() {
		if ou.ID == id {
			return ou, true
		}
	}
	return OrgUnit{}, false
}

func (g *Org) orgUnitID(path string) string {
	return fmt.Sprintf("03ph8a2z%08x", uint32(g.hash(kVault, 'o', strHash(path))))
}

// VaultMatters are the matters that exist before any export: an open
// "Litigation hold 2025" with a MAIL hold on user 1 and a DRIVE hold on
// /Staff, and a closed matter. None without Vault.
func (g *Org) VaultMatters() []Matter {
	if !g.opt.Vault {
		return nil
	}
	held := g.opt.Now.Add(-90 * 24 * time.Hour).Truncate(time.Second)
	open := Matter{ID: g.matterID(0), Name: "Litigation hold 2025", Description: "Preservation for the 2025 dispute", State: "OPEN"}
	if len(g.users) > 1 {
		open.Holds = append(open.Holds, Hold{ID: g.holdID(0, 0), Name: "Mail of " + g.users[1].FullName(), Corpus: "MAIL", Accounts: []int{1}, Updated: held})
	}
	open.Holds = append(open.Holds, Hold{ID: g.holdID(0, 1), Name: "Staff Drive", Corpus: "DRIVE", OrgUnit: "/Staff", Updated: held})
	closed := Matter{ID: g.matterID(1), Name: "Closed investigation 2024", Description: "Finished", State: "CLOSED"}
	return []Matter{open, closed}
}

// OrgUnitID is the id of the org unit at path.
func (g *Org) OrgUnitID(path string) string { return g.orgUnitID(path) }

// matterID is a UUID fixed by the seed, the domain and i.
func (g *Org) matterID(i int) string {
	h := g.hash(kVault, 'm', strHash(g.opt.Domain), uint64(i))
	return fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", uint32(h>>32), uint16(h>>16), uint16(h)&0xfff, i&0xfff, mix(h)&0xffffffffffff)
}

func (g *Org) holdID(matter, i int) string {
	return fmt.Sprintf("%014x", g.hash(kVault, 'h', strHash(g.opt.Domain), uint64(matter), uint64(i))>>8)
}

// vaultAccount is the customer-owned account of Vault-only data.
func (g *Org) vaultAccount() TruthAccount {
	return TruthAccount{Type: export.Customer, ID: VaultAccountID, Name: "Google Vault", Kind: "vault", Created: g.customer.Created}
}

// vaultTruth yields, with Vault, every retained message, every group
// post, the mail of every suspended account (see SuspendedMail) and its
// Drive files (SuspendedDrive); without Vault nothing.
func (g *Org) vaultTruth(yield func(TruthItem) bool) bool {
	if !g.suspendedMailTruth(yield) || !g.suspendedDriveTruth(yield) {
		return false
	}
	for u := range g.users {
		for j := range g.RetainedCount(u) {
			raw := g.RetainedRaw(u, j)
			it := TruthItem{Product: export.Vault, ItemID: g.RetainedID(u, j), Name: g.Retained(u, j).Subject,
				SHA256: sum(raw), Size: int64(len(raw)), Note: "retained mail of " + g.users[u].Email}
			if !yield(it) {
				return false
			}
		}
	}
	for i, gr := range g.groups {
		for j := range g.GroupPostCount(i) {
			raw := g.GroupPostRaw(i, j)
			it := TruthItem{Product: export.Vault, ItemID: g.GroupPostID(i, j), Name: g.GroupPost(i, j).Subject,
				SHA256: sum(raw), Size: int64(len(raw)), Note: "conversation of group " + gr.Email}
			if !yield(it) {
				return false
			}
		}
	}
	return true
}

// SuspendedMail reports whether the Vault account holds user u's live
// mail: the organisation has Vault, u is suspended (Google refuses
// delegated reads of its mailbox, Vault still reads it), and u was created
// more than 24 hours before Now, so an export started about Now does not
// leave the account out (R4).
func (g *Org) SuspendedMail(u int) bool {
	us := g.users[u]
	return g.opt.Vault && us.Suspended && !us.Created.After(g.opt.Now.Add(-24*time.Hour))
}

func (g *Org) suspendedMailTruth(yield func(TruthItem) bool) bool {
	for u := range g.users {
		if !g.SuspendedMail(u) {
			continue
		}
		for j := range g.MessageCount(u) {
			raw := g.Raw(u, j)
			it := TruthItem{Product: export.Vault, ItemID: g.MessageID(u, j), Name: g.Message(u, j).Subject,
				SHA256: sum(raw), Size: int64(len(raw)), Note: "mail of suspended account " + g.users[u].Email}
			if !yield(it) {
				return false
			}
		}
	}
	return true
}

// SuspendedDrive reports whether the Vault account holds user u's Drive
// files (VaultDriveFiles): as for SuspendedMail, the organisation has
// Vault, u is suspended (Drive lists its files but serves no content)
// and u was created more than 24 hours before Now.
func (g *Org) SuspendedDrive(u int) bool { return g.SuspendedMail(u) }

// VaultDriveFiles are the files a Vault DRIVE export of all data by
// account gives for user u: the files u owns in My Drive, neither
// folders, shortcuts nor in the trash. Drive's own limits do not apply:
// Vault converts a Google file whose Drive export is over 10 MB, and
// delivers a file Drive flags as abusive.
func (g *Org) VaultDriveFiles(u int) []File {
	var out []File
	o := Owner{Index: u}
	for k := range g.FileCount(o) {
		f := g.File(o, k)
		if f.Trashed || f.MimeType == MimeFolder || f.MimeType == MimeShortcut {
			continue
		}
		out = append(out, f)
	}
	return out
}

// VaultDriveFormat is the MIME type Vault delivers f in: a binary file's
// own, a Google file converted to its primary export format (Docs to
// .docx, Sheets to .xlsx, Slides to .pptx; the emulator also gives a
// Drawing as SVG and an Apps Script project as its JSON).
func VaultDriveFormat(f File) string {
	if f.Binary() {
		return f.MimeType
	}
	if fs := ExportFormats(f.MimeType); len(fs) > 0 {
		return fs[0]
	}
	return ""
}

// WriteVaultDrive writes the bytes Vault delivers for f (see
// VaultDriveFormat) and returns their count.
func (g *Org) WriteVaultDrive(w io.Writer, f File) (int64, error) {
	if f.Binary() {
		return io.CopyBuffer(w, f.Content.Reader(), make([]byte, blockSize))
	}
	return g.WriteExport(w, f, VaultDriveFormat(f))
}

func (g *Org) suspendedDriveTruth(yield func(TruthItem) bool) bool {
	for u := range g.users {
		if !g.SuspendedDrive(u) {
			continue
		}
		for _, f := range g.VaultDriveFiles(u) {
			h := sha256.New()
			n, err := g.WriteVaultDrive(h, f)
			if err != nil {
				continue
			}
			it := TruthItem{Product: export.Vault, ItemID: f.ID, Name: f.Name, SHA256: hex.EncodeToString(h.Sum(nil)), Size: n,
				Note: "Drive file of suspended account " + g.users[u].Email + " (" + VaultDriveFormat(f) + ")"}
			if !yield(it) {
				return false
			}
		}
	}
	return true
}
