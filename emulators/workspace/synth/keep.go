package synth

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"time"
)

// Note is a Keep note as the Keep API returns it. The API has no labels,
// colour, pinned or archived state, so neither does the emulator.
type Note struct {
	User, Index int
	Name        string // notes/<id>
	Title       string
	// Text is the body of a text note; Items the body of a checklist.
	Text    string
	Items   []ListItem
	Created time.Time
	Updated time.Time
	Trashed time.Time // zero unless trashed
	// Collaborators are the emails the note is shared with (as WRITER).
	Collaborators []string
	// Attachments are the note's images.
	Attachments []NoteAttachment
}

// ListItem is one checklist item, with its sub-items.
type ListItem struct {
	Text     string
	Checked  bool
	Children []ListItem
}

// NoteAttachment is an image attached to a note.
type NoteAttachment struct {
	Name     string // notes/<id>/attachments/<id>
	MimeType string
}

// NoteCount is the number of the user's notes, trashed ones included.
func (g *Org) NoteCount(user int) int {
	if !g.HasData() {
		return 0
	}
	return g.opt.NotesPerUser
}

// Note returns the user's note n: every other one a checklist, every 3rd
// with an image, every 4th shared with the next user, every 5th trashed.
func (g *Org) Note(user, n int) Note {
	r := g.rng(kNote, uint64(user), uint64(n))
	id := fmt.Sprintf("1%015x", g.hash(kNote, 'i', uint64(user), uint64(n))>>4)
	created := g.opt.Now.Add(-time.Duration(48+r.IntN(5000)) * time.Hour).Truncate(time.Millisecond)
	nt := Note{User: user, Index: n, Name: "notes/" + id, Title: fmt.Sprintf("Note %d", n+1),
		Created: created, Updated: created.Add(time.Duration(r.IntN(40)) * time.Hour)}
	if n%2 == 0 {
		nt.Text = fmt.Sprintf("Text of note %d.\nIt has two lines & an ampersand.", n+1)
	} else {
		nt.Items = []ListItem{{Text: "Milk", Checked: true}, {Text: "Bread", Children: []ListItem{{Text: "Rye"}, {Text: "Wheat", Checked: true}}}, {Text: "Eggs"}}
	}
	if n%3 == 0 {
		nt.Attachments = []NoteAttachment{{Name: nt.Name + "/attachments/a" + id[:8], MimeType: "image/png"}}
	}
	if n%4 == 1 && len(g.users) > 1 {
		nt.Collaborators = []string{g.users[(user+1)%len(g.users)].Email}
	}
	if n%5 == 4 {
		nt.Trashed = nt.Updated.Add(time.Hour)
	}
	if g.opt.Hostile && n == 0 {
		nt.Title = "<script>alert('note')</script>"
		nt.Text = "</textarea><img src=x onerror=alert(1)>"
	}
	return nt
}

// NoteByName finds the user's note by its resource name.
func (g *Org) NoteByName(user int, name string) (Note, bool) {
	for n := range g.NoteCount(user) {
		if nt := g.Note(user, n); nt.Name == name {
			return nt, true
		}
	}
	return Note{}, false
}

// NoteImage is the PNG of the user's note n's attachment: noise of a size
// fixed by the note, so attachments differ in bytes and length.
func (g *Org) NoteImage(user, n int) []byte {
	r := g.rng(kNote, 'p', uint64(user), uint64(n))
	side := 16 + r.IntN(48)
	img := image.NewRGBA(image.Rect(0, 0, side, side))
	for y := range side {
		for x := range side {
			v := r.Uint32()
			img.Set(x, y, color.RGBA{uint8(v), uint8(v >> 8), uint8(v >> 16), 255})
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}
