package synth

import "sync"

// Usage is what Google's usage reports count of an account's storage:
// the bytes its mail and its Drive files take (as the emulator serves
// them: raw RFC 822 messages, binary files' content, a Google file's
// primary export, trashed files included, as Drive counts the trash
// until it is emptied), and how many Drive items it owns.
type Usage struct {
	GmailBytes int64
	DriveBytes int64
	DriveItems int64
}

// Total is the storage the account uses.
func (u Usage) Total() int64 { return u.GmailBytes + u.DriveBytes }

type usageCache struct {
	once   sync.Once
	users  []Usage
	shared int64
}

// UserUsage is user u's storage, computed once per organisation by
// generating every message and file (it takes as long as reading them).
func (g *Org) UserUsage(u int) Usage {
	g.computeUsage()
	return g.usage.users[u]
}

// SharedDriveBytes is the storage the shared drives use (counted in the
// organisation's pool, not any user's).
func (g *Org) SharedDriveBytes() int64 {
	g.computeUsage()
	return g.usage.shared
}

func (g *Org) computeUsage() {
	g.usage.once.Do(func() {
		g.usage.users = make([]Usage, len(g.users))
		for u := range g.users {
			var us Usage
			for j := range g.MessageCount(u) {
				us.GmailBytes += int64(len(g.Raw(u, j)))
			}
			us.DriveBytes, us.DriveItems = g.driveUsage(Owner{Index: u})
			g.usage.users[u] = us
		}
		for _, d := range g.drives {
			n, _ := g.driveUsage(Owner{Shared: true, Index: d.Index})
			g.usage.shared += n
		}
	})
}

func (g *Org) driveUsage(o Owner) (bytes, items int64) {
	for k := range g.FileCount(o) {
		f := g.File(o, k)
		if f.MimeType == MimeFolder || f.MimeType == MimeShortcut {
			continue
		}
		items++
		if f.Binary() {
			bytes += f.Size
			continue
		}
		if formats := ExportFormats(f.MimeType); len(formats) > 0 {
			n, _ := g.ExportSize(f, formats[0])
			bytes += n
		}
	}
	return bytes, items
}
