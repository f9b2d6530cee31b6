package synth

import (
	"fmt"
	"strings"
	"time"
)

// Google Drive MIME types.
const (
	MimeFolder   = "application/vnd.google-apps.folder"
	MimeDoc      = "application/vnd.google-apps.document"
	MimeSheet    = "application/vnd.google-apps.spreadsheet"
	MimeSlides   = "application/vnd.google-apps.presentation"
	MimeDrawing  = "application/vnd.google-apps.drawing"
	MimeShortcut = "application/vnd.google-apps.shortcut"
)

// Owner is whose Drive a file is in: a user's My Drive or a shared drive.
type Owner struct {
	Shared bool
	Index  int
}

func (o Owner) char() byte {
	if o.Shared {
		return 'd'
	}
	return 'u'
}

// File is a Drive file's metadata. Binary files have Content; Google files
// are exported (see Export).
type File struct {
	Owner              Owner
	Index              int
	ID, Name, MimeType string
	Parent             string
	Size               int64 // binary files only
	Created, Modified  time.Time
	Trashed            bool
	ShortcutTarget     string
	ShortcutTargetMime string
	Content            Blob
	big                bool
	// Abusive, NoExportLinks and SharedWith are set on Drive's traps (see
	// TrapFile): a file flagged as malware or spam, a Google file without
	// exportLinks, and the users a file is shared with.
	Abusive       bool
	NoExportLinks bool
	SharedWith    []int
}

// Binary reports whether the file has bytes of its own (not a Google file,
// folder or shortcut).
func (f File) Binary() bool { return !strings.HasPrefix(f.MimeType, "application/vnd.google-apps.") }

// RootID is the id of the owner's root folder (My Drive, or the shared
// drive's id).
func (g *Org) RootID(o Owner) string {
	if o.Shared {
		return g.drives[o.Index].ID
	}
	return fmt.Sprintf("0AU%dRootFolder", o.Index)
}

const fixedFiles = 18

var hostileNames = []string{"<script>alert(1)</script>.txt", `"><img src=x onerror=alert(1)>.txt`,
	"line\r\nbreak.txt", "../../etc/passwd", "\u202etxt.exe", strings.Repeat("x", 10000), "bad\xffutf8.txt"}

// FileCount is the number of files (of all kinds, trashed included) of owner.
func (g *Org) FileCount(o Owner) int {
	if !g.HasData() {
		return 0
	}
	n := fixedFiles + g.opt.FilesPerUser
	if g.opt.Hostile {
		n += len(hostileNames)
	}
	if !o.Shared {
		n += trapFiles
	}
	return n
}

// FileID is file k's id; it encodes the owner and the index.
func (g *Org) FileID(o Owner, k int) string {
	return fmt.Sprintf("1%c%dk%dz%06x", o.char(), o.Index, k, g.hash(kFile, uint64(o.char()), uint64(o.Index), uint64(k))&0xffffff)
}

// FileByID finds a file by id.
func (g *Org) FileByID(id string) (File, bool) {
	var c byte
	var idx, k int
	var h uint32
	if _, err := fmt.Sscanf(id, "1%c%dk%dz%06x", &c, &idx, &k, &h); err != nil || (c != 'u' && c != 'd') {
		return File{}, false
	}
	o := Owner{Shared: c == 'd', Index: idx}
	if (o.Shared && idx >= len(g.drives)) || (!o.Shared && idx >= len(g.users)) || idx < 0 || k < 0 || k >= g.FileCount(o) || g.FileID(o, k) != id {
		return File{}, false
	}
	return g.File(o, k), true
}

// File returns file k of owner.
func (g *Org) File(o Owner, k int) File {
	r := g.rng(kFile, uint64(o.char()), uint64(o.Index), uint64(k))
	f := File{Owner: o, Index: k, ID: g.FileID(o, k), Parent: g.RootID(o),
		Created: g.opt.Now.Add(-time.Duration(24+r.IntN(9000)) * time.Hour).Truncate(time.Millisecond)}
	f.Modified = f.Created.Add(time.Duration(r.IntN(3600)) * time.Second)
	folder := func(i int) string { return g.FileID(o, i) }
	bin := func(name string, size int64) {
		f.Name, f.MimeType, f.Size = name, binaryMime(name), size
		f.Content = Blob{key: g.hash(kBlob, kFile, uint64(o.char()), uint64(o.Index), uint64(k)), Size: size}
	}
	small := 100 + r.Int64N(4000)
	if t := k - g.TrapFile(0); !o.Shared && t >= 0 {
		g.trapFile(&f, t, bin, folder)
		return f
	}
	switch k {
	case 0, 1, 2:
		f.Name, f.MimeType = []string{"Projects", "Archive", "Deep"}[k], MimeFolder
		if k > 0 {
			f.Parent = folder(k - 1)
		}
	case 3, 4:
		bin("report.pdf", small)
		f.Parent = folder(0)
	case 5:
		bin("Q1/Q2 plan.txt", small)
	case 6:
		bin("..", small)
		f.Parent = folder(1)
	case 7:
		bin("tab\there\x01bell\x07.txt", small)
		f.Parent = folder(2)
	case 8:
		bin("Résumé – 履歴書 📄.txt", small)
	case 9:
		bin(strings.Repeat("ä", 150)+".txt", small)
	case 10:
		f.Name, f.MimeType, f.Parent = "Meeting notes", MimeDoc, folder(0)
	case 11:
		f.Name, f.MimeType = "Budget 2026", MimeSheet
	case 12:
		f.Name, f.MimeType = "Quarterly review", MimeSlides
	case 13:
		f.Name, f.MimeType, f.Parent = "Diagram", MimeDrawing, folder(0)
	case 14:
		f.Name, f.MimeType = "Shortcut to report", MimeShortcut
		f.ShortcutTarget, f.ShortcutTargetMime = folder(3), "application/pdf"
	case 15:
		bin("old draft.txt", small)
		f.Trashed = true
	case 16:
		f.Name, f.MimeType = "Handbook", MimeDoc
		f.big = !o.Shared && g.opt.BigDocSize > 0
	case 17:
		bin("max-size.bin", g.opt.MaxFileSize)
		f.Parent = folder(1)
	default:
		g.generatedFile(&f, r, bin, folder)
	}
	return f
}

func (g *Org) generatedFile(f *File, r interface {
	IntN(int) int
	Int64N(int64) int64
}, bin func(string, int64), folder func(int) string) {
	k := f.Index
	if h := k - fixedFiles - g.opt.FilesPerUser; h >= 0 {
		bin(hostileNames[h], 64)
		return
	}
	if g.opt.NestedFolders {
		g.nestedFile(f, r, bin, folder)
		return
	}
	switch p := r.IntN(10); {
	case p < 7:
		name := fmt.Sprintf("file-%d.bin", k)
		if r.IntN(5) == 0 {
			name = "report.pdf"
		}
		bin(name, r.Int64N(g.opt.MaxFileSize+1))
	case p < 9:
		f.Name, f.MimeType = fmt.Sprintf("Document %d", k), []string{MimeDoc, MimeSheet, MimeSlides}[r.IntN(3)]
	default:
		f.Name, f.MimeType = fmt.Sprintf("Folder %d", k), MimeFolder
	}
	if i := r.IntN(4); i < 3 {
		f.Parent = folder(i)
	}
}

// nestedFile fills generated file f of a NestedFolders tree: generated
// file j (from 0) is folder m = j/10 when j%10 == 9, whose parent is folder
// (m-1)/8 (Projects for m = 0); the others are in folder j/10-1 (in one of
// the fixed folders for j < 10).
func (g *Org) nestedFile(f *File, r interface {
	IntN(int) int
	Int64N(int64) int64
}, bin func(string, int64), folder func(int) string) {
	k := f.Index
	j := k - fixedFiles
	nested := func(m int) string { return folder(fixedFiles + m*10 + 9) }
	if m := j / 10; j%10 == 9 {
		f.Name, f.MimeType, f.Parent = fmt.Sprintf("Folder %d", k), MimeFolder, folder(0)
		if m > 0 {
			f.Parent = nested((m - 1) / 8)
		}
		return
	}
	if p := r.IntN(10); p < 8 {
		name := fmt.Sprintf("file-%d.bin", k)
		if r.IntN(5) == 0 {
			name = "report.pdf"
		}
		bin(name, r.Int64N(g.opt.MaxFileSize+1))
	} else {
		f.Name, f.MimeType = fmt.Sprintf("Document %d", k), []string{MimeDoc, MimeSheet, MimeSlides}[r.IntN(3)]
	}
	f.Parent = folder(r.IntN(3))
	if m := j / 10; m > 0 {
		f.Parent = nested(m - 1)
	}
}

func binaryMime(name string) string {
	switch {
	case strings.HasSuffix(name, ".pdf"):
		return "application/pdf"
	case strings.HasSuffix(name, ".txt"):
		return "text/plain"
	}
	return "application/octet-stream"
}
