package synth

import (
	"strings"

	"github.com/orgexport/orgexport/shared/export"
)

// productsTruth yields a user's tasks, notes and their images.
func (g *Org) productsTruth(u int, yield func(TruthItem) bool) bool {
	if !g.tasksTruth(u, yield) || !g.keepTruth(u, yield) || !g.classroomTruth(u, yield) {
		return false
	}
	// The user's DMs (with the next user and with the previous one) and
	// group chat.
	for _, sp := range g.UserChats(u) {
		if !g.spaceTruth(sp, yield) {
			return false
		}
	}
	return true
}

// spaceTruth yields a space's messages and attachments.
func (g *Org) spaceTruth(sp Space, yield func(TruthItem) bool) bool {
	for n := range g.ChatMessageCount(sp) {
		m := g.ChatMessage(sp, n)
		if !yield(TruthItem{Product: export.Chat, ItemID: m.Name, Name: m.Text, Note: "space " + sp.ID}) {
			return false
		}
		if a := m.Attachment; a != nil {
			b := g.ChatAttachmentContent(sp, n)
			if !yield(TruthItem{Product: export.Chat, ItemID: a.Name, Name: a.ContentName, SHA256: sum(b), Size: int64(len(b))}) {
				return false
			}
		}
	}
	return true
}

// spaceAccounts are the named spaces, customer-owned accounts (R6).
func (g *Org) spaceAccounts() []TruthAccount {
	var out []TruthAccount
	for i := range g.SpaceCount() {
		sp := g.Space(i)
		out = append(out, TruthAccount{Type: export.Customer, ID: sp.ID, Name: sp.DisplayName, Kind: "chat-space", Created: sp.Created})
	}
	return out
}

// spaceTruthByID yields the named space's items if accountID is one. An
// orphaned space has none: its export is unsupported, with the reason.
func (g *Org) spaceTruthByID(accountID string, yield func(TruthItem) bool) bool {
	for i := range g.SpaceCount() {
		if sp := g.Space(i); sp.ID == accountID {
			if !sp.Orphaned {
				g.spaceTruth(sp, yield)
			}
			return true
		}
	}
	return false
}

// tasksTruth yields every task, deleted and hidden ones too (issue 8:
// recently deleted tasks are exported with their deletion time).
func (g *Org) tasksTruth(u int, yield func(TruthItem) bool) bool {
	for i := range g.TaskListCount(u) {
		l := g.TaskList(u, i)
		for n := range g.TaskCount(l) {
			t := g.Task(l, n)
			note := "list " + l.ID
			if t.Deleted {
				note = "deleted, " + note
			}
			if !yield(TruthItem{Product: export.Tasks, ItemID: t.ID, Name: t.Title, Note: note}) {
				return false
			}
		}
	}
	return true
}

// keepTruth yields every note, trashed ones too, and each attachment with
// the checksum of its image.
func (g *Org) keepTruth(u int, yield func(TruthItem) bool) bool {
	for n := range g.NoteCount(u) {
		nt := g.Note(u, n)
		if !yield(TruthItem{Product: export.Keep, ItemID: nt.Name, Name: nt.Title}) {
			return false
		}
		for _, a := range nt.Attachments {
			img := g.NoteImage(u, n)
			if !yield(TruthItem{Product: export.Keep, ItemID: a.Name, Name: nt.Title + " (image)", SHA256: sum(img), Size: int64(len(img))}) {
				return false
			}
		}
	}
	return true
}

// groupTruth yields the group's one item (its record, membership and
// settings) if accountID is a group's email, and reports whether it was.
func (g *Org) groupTruth(accountID string, yield func(TruthItem) bool) bool {
	for _, gr := range g.groups {
		if strings.EqualFold(gr.Email, accountID) {
			yield(TruthItem{Product: export.Groups, ItemID: gr.ID, Name: gr.Name, Note: "info, members and settings"})
			return true
		}
	}
	return false
}

// classroomTruth yields each course the user teaches or attends: one JSON
// file per course holds it whole.
func (g *Org) classroomTruth(u int, yield func(TruthItem) bool) bool {
	for c := range g.CourseCount() {
		if co := g.Course(c); co.Member(u) {
			if !yield(TruthItem{Product: export.Classroom, ItemID: co.ID, Name: co.Name}) {
				return false
			}
		}
	}
	return true
}
