package synth

// Stats are an organisation's totals, computed from metadata.
type Stats struct {
	Users, Groups, SharedDrives, Resources int
	Messages, Files                        int
	// Bytes counts binary file content, Docs' export payloads and large
	// mail attachments: a lower bound of an export's size.
	Bytes int64
}

// Stats walks the metadata of every file; it takes about a second for the
// Large preset and generates no content.
func (g *Org) Stats() Stats {
	st := Stats{Users: len(g.users), Groups: len(g.groups), SharedDrives: len(g.drives), Resources: len(g.resources)}
	owners := make([]Owner, 0, len(g.users)+len(g.drives))
	for i := range g.users {
		owners = append(owners, Owner{Index: i})
		st.Messages += g.MessageCount(i)
		if g.MessageCount(i) > 1 {
			st.Bytes += g.opt.LargeMessageSize
		}
	}
	for i := range g.drives {
		owners = append(owners, Owner{Shared: true, Index: i})
	}
	for _, o := range owners {
		for k := range g.FileCount(o) {
			f := g.File(o, k)
			if f.Trashed || f.MimeType == MimeFolder || f.MimeType == MimeShortcut {
				continue
			}
			st.Files++
			st.Bytes += f.Size
			if f.big {
				st.Bytes += g.opt.BigDocSize
			}
		}
	}
	return st
}
