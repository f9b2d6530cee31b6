package synth

import (
	"strings"

	"github.com/orgexport/orgexport/shared/export"
)

// productsTruth yields a user's tasks, notes and their images.
func (g *Org) productsTruth(u int, yield func(TruthItem) bool) bool {
	return g.tasksTruth(u, yield) && g.keepTruth(u, yield)
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
