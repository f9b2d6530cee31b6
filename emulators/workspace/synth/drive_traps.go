package synth

import (
	"encoding/json"
	"fmt"
	"io"
)

// Apps Script MIME types: a project, and the export Drive gives of it.
const (
	MimeScript     = "application/vnd.google-apps.script"
	MimeScriptJSON = "application/vnd.google-apps.script+json"
)

// Drive's traps: every user's My Drive ends with these files, after the
// generated and hostile ones.
const (
	// TrapAbusive is a binary file Drive flags as malware or spam: it is
	// downloaded only with acknowledgeAbuse=true.
	TrapAbusive = iota
	// TrapScript is an Apps Script project, exported as MimeScriptJSON.
	TrapScript
	// TrapNoLink is a Doc whose export is over 10 MB (when BigDocSize is)
	// and that has no exportLinks: it cannot be exported at all.
	TrapNoLink
	// TrapTrashedShortcut is a shortcut to the user's trashed file.
	TrapTrashedShortcut
	// TrapSharedFile is a file the user shares with the previous user,
	// who sees it in their listing but does not own it.
	TrapSharedFile
	trapFiles
)

// trashedFile is the index of the fixed trashed file.
const trashedFile = 15

// TrapFile returns the index, in user's My Drive, of the trap t.
func (g *Org) TrapFile(t int) int {
	n := fixedFiles + g.opt.FilesPerUser
	if g.opt.Hostile {
		n += len(hostileNames)
	}
	return n + t
}

// trapFile fills f as trap t.
func (g *Org) trapFile(f *File, t int, bin func(string, int64), folder func(int) string) {
	switch t {
	case TrapAbusive:
		bin("invoice-tool.exe", 2048)
		f.Abusive = true
	case TrapScript:
		f.Name, f.MimeType = "Mail merge", MimeScript
	case TrapNoLink:
		f.Name, f.MimeType = "Scanned archive", MimeDoc
		if g.opt.Unexportable {
			f.big, f.NoExportLinks = g.opt.BigDocSize > 0, true
		}
	case TrapTrashedShortcut:
		f.Name, f.MimeType = "Shortcut to old draft", MimeShortcut
		f.ShortcutTarget, f.ShortcutTargetMime = folder(trashedFile), "text/plain"
	case TrapSharedFile:
		bin("shared plan.txt", 700)
		if n := len(g.users); n > 1 {
			f.SharedWith = []int{(f.Owner.Index + n - 1) % n}
		}
	}
}

// SharedWithMe returns the files of other users shared with user u.
func (g *Org) SharedWithMe(u int) []File {
	n := len(g.users)
	if n < 2 {
		return nil
	}
	o := Owner{Index: (u + 1) % n}
	if g.FileCount(o) == 0 {
		return nil
	}
	return []File{g.File(o, g.TrapFile(TrapSharedFile))}
}

// NoExport reports whether the file cannot be exported at all: its export
// is over Drive's 10 MB limit and it has no exportLinks.
func (f File) NoExport() bool { return f.NoExportLinks && f.big }

// writeScript writes an Apps Script project's export: its files with their
// sources, as Drive's script+json export has them.
func writeScript(w io.Writer, f File) error {
	type file struct {
		ID     string `json:"id"`
		Name   string `json:"name"`
		Type   string `json:"type"`
		Source string `json:"source"`
	}
	p := struct {
		Files []file `json:"files"`
	}{[]file{
		{f.ID + "-code", "Code", "server_js", fmt.Sprintf("function main() {\n  Logger.log(%q);\n}\n", f.Name)},
		{f.ID + "-manifest", "appsscript", "json", `{"timeZone":"Europe/Stockholm","runtimeVersion":"V8"}`},
	}}
	return json.NewEncoder(w).Encode(p)
}
