package drive

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"google.golang.org/api/drive/v3"

	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/zipname"
)

// oldItem and oldPlan are the planner as it was before the compact
// listing, kept verbatim as the reference: it held every listed
// drive.File and planned from them.
type oldItem struct {
	f    *drive.File
	path string
}

func oldPlan(files []*drive.File) []oldItem {
	byID := make(map[string]*drive.File, len(files))
	children := map[string][]*drive.File{}
	for _, f := range files {
		byID[f.Id] = f
	}
	for _, f := range files {
		children[oldParentOf(f, byID)] = append(children[oldParentOf(f, byID)], f)
	}
	names := make(map[string]string, len(files))
	for _, kids := range children {
		sort.Slice(kids, func(i, j int) bool { return kids[i].Id < kids[j].Id })
		d := zipname.NewDedup()
		for _, f := range kids {
			names[f.Id] = d.Name(displayName(f), f.Id)
		}
	}
	var out []oldItem
	for _, f := range files {
		if f.MimeType != mimeFolder {
			out = append(out, oldItem{f: f, path: oldPathOf(f, byID, names)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].f.Id < out[j].f.Id })
	return out
}

func oldParentOf(f *drive.File, byID map[string]*drive.File) string {
	for _, p := range f.Parents {
		if _, ok := byID[p]; ok {
			return p
		}
	}
	return ""
}

func oldPathOf(f *drive.File, byID map[string]*drive.File, names map[string]string) string {
	segs := []string{names[f.Id]}
	seen := map[string]bool{f.Id: true}
	for p := oldParentOf(f, byID); p != "" && !seen[p]; p = oldParentOf(byID[p], byID) {
		seen[p] = true
		segs = append(segs, names[p])
	}
	segs = append(segs, export.Drive.TakeoutFolder())
	for i, j := 0, len(segs)-1; i < j; i, j = i+1, j-1 {
		segs[i], segs[j] = segs[j], segs[i]
	}
	return strings.Join(segs, "/")
}

// tree generates n listed files: nested folders, names that clash
// (exactly, by case, by Unicode normalisation, after sanitising, after
// the added extension), files with several parents (some of them not
// listed or trashed), shortcuts, Google files, trashed files, files owned
// by someone else, and a parent cycle, in a shuffled listing order.
func tree(seed uint64, n int) []*drive.File {
	r := rand.New(rand.NewPCG(seed, 1))
	names := []string{"report.pdf", "Report.PDF", "notes", "notes.docx", "Caf\u00e9", "Cafe\u0301", "a/b", "a_b",
		"con", "CON", "..", "x\ty", strings.Repeat("long ", 80), "\u202eevil.exe", "same", "same "}
	mimes := []string{"application/pdf", "text/plain", "image/png", googlePrefix + "document", googlePrefix + "spreadsheet",
		googlePrefix + "form", mimeShortcut, mimeFolder, mimeFolder}
	var folders []string
	var files []*drive.File
	for i := range n {
		f := &drive.File{Id: fmt.Sprintf("1%x%c", r.Uint32(), 'a'+rune(i%26)), MimeType: mimes[r.IntN(len(mimes))],
			ModifiedTime: time.Date(2020+r.IntN(6), 1, 1, 0, 0, r.IntN(1e6), r.IntN(1e9), time.UTC).Format(time.RFC3339Nano),
			Owners:       []*drive.User{{Me: r.IntN(10) > 0}}, Trashed: r.IntN(12) == 0}
		f.Name = names[r.IntN(len(names))]
		if r.IntN(3) == 0 {
			f.Name = fmt.Sprintf("file %d", r.IntN(n))
		}
		switch {
		case len(folders) == 0 || r.IntN(8) == 0:
			f.Parents = []string{"0AMyDriveRoot"}
		case r.IntN(6) == 0:
			f.Parents = []string{"1notlisted", folders[r.IntN(len(folders))], folders[r.IntN(len(folders))]}
		default:
			f.Parents = []string{folders[r.IntN(len(folders))]}
		}
		if f.MimeType == mimeFolder {
			folders = append(folders, f.Id)
		} else {
			f.Size = r.Int64N(1 << 40)
			if r.IntN(2) == 0 {
				f.Md5Checksum = fmt.Sprintf("%016x%016x", r.Uint64(), r.Uint64())
			}
		}
		if f.MimeType == mimeShortcut {
			f.ShortcutDetails = &drive.FileShortcutDetails{TargetId: folders[r.IntN(len(folders))]}
		}
		files = append(files, f)
	}
	// A cycle: two folders each other's parent, with a file inside.
	a := &drive.File{Id: "1cycleA", Name: "A", MimeType: mimeFolder, Parents: []string{"1cycleB"}, Owners: []*drive.User{{Me: true}}}
	b := &drive.File{Id: "1cycleB", Name: "B", MimeType: mimeFolder, Parents: []string{"1cycleA"}, Owners: []*drive.User{{Me: true}}}
	c := &drive.File{Id: "1cycleC", Name: "in a cycle.txt", MimeType: "text/plain", Parents: []string{"1cycleA"}, Owners: []*drive.User{{Me: true}}}
	files = append(files, a, b, c)
	r.Shuffle(len(files), func(i, j int) { files[i], files[j] = files[j], files[i] })
	return files
}

// TestPlanIsTodays checks that the compact listing names and places every
// file byte for byte as the planner that held whole drive.File values
// did, for a user's My Drive and a shared drive, and keeps what downloads
// read.
func TestPlanIsTodays(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		for _, shared := range []bool{false, true} {
			files := tree(seed, 5000)
			var kept []*drive.File
			l := newListing()
			for _, f := range files {
				if exported(f, shared) {
					kept = append(kept, f)
					if err := l.add(f); err != nil {
						t.Fatal(err)
					}
				}
			}
			l.plan()
			want := oldPlan(kept)
			var got []item
			for it := range l.items("") {
				got = append(got, it)
			}
			if len(got) != len(want) {
				t.Fatalf("seed %d shared %v: %d items, want %d", seed, shared, len(got), len(want))
			}
			suffixed := 0
			for k, w := range want {
				g := got[k]
				if g.path != w.path || g.f.Id != w.f.Id {
					t.Fatalf("seed %d shared %v: item %d is %s at %q, want %s at %q", seed, shared, k, g.f.Id, g.path, w.f.Id, w.path)
				}
				mod, _ := time.Parse(time.RFC3339, w.f.ModifiedTime)
				if !g.modified.Equal(mod) || g.f.MimeType != w.f.MimeType || g.f.Size != w.f.Size || g.f.Md5Checksum != w.f.Md5Checksum ||
					(g.f.ShortcutDetails == nil) != (w.f.ShortcutDetails == nil) ||
					(g.f.ShortcutDetails != nil && g.f.ShortcutDetails.TargetId != w.f.ShortcutDetails.TargetId) {
					t.Fatalf("seed %d: %s: download fields %+v %v, want %+v", seed, w.f.Id, g.f, g.modified, w.f)
				}
				if strings.Contains(w.path, " (") {
					suffixed++
				}
				if lk, ok := l.lookup(w.f.Id); !ok || lk.path != w.path {
					t.Fatalf("lookup(%s) = %q %v, want %q", w.f.Id, lk.path, ok, w.path)
				}
			}
			if suffixed < 100 {
				t.Errorf("seed %d: only %d names got a suffix: the tree does not test deduplication", seed, suffixed)
			}
			// Resuming after an item gives the rest.
			mid := want[len(want)/2].f.Id
			n := 0
			for it := range l.items(mid) {
				if it.f.Id <= mid {
					t.Fatalf("items(%s) yields %s", mid, it.f.Id)
				}
				n++
			}
			if n != len(want)-len(want)/2-1 {
				t.Errorf("items after the middle: %d, want %d", n, len(want)-len(want)/2-1)
			}
		}
	}
}

// TestListingIsCompact holds a listing of a million files in nested
// folders to the memory the issue allows: its heap is well under the
// worker's 256 MiB (whole drive.File values took about 1.5 GB).
func TestListingIsCompact(t *testing.T) {
	if testing.Short() {
		t.Skip("lists a million files")
	}
	const n = 1_000_000
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	l := newListing()
	f := &drive.File{Owners: []*drive.User{{Me: true}}, ModifiedTime: "2026-05-01T10:11:12.345Z"}
	for i := range n {
		f.Id = fmt.Sprintf("1u0k%dz%06x-padded-to-drive-id-length", i, i*7919&0xffffff)
		f.Name, f.MimeType, f.Size, f.Md5Checksum = fmt.Sprintf("file-%d.bin", i), "application/octet-stream", int64(i), "0123456789abcdef0123456789abcdef"
		f.Parents = []string{"0AU0RootFolder"}
		if i%10 == 9 {
			f.Name, f.MimeType, f.Size, f.Md5Checksum = fmt.Sprintf("Folder %d", i), mimeFolder, 0, ""
		}
		if m := i / 10; m > 0 {
			f.Parents = []string{fmt.Sprintf("1u0k%dz%06x-padded-to-drive-id-length", (m-1)/8*10+9, ((m-1)/8*10+9)*7919&0xffffff)}
		}
		if err := l.add(f); err != nil {
			t.Fatal(err)
		}
	}
	l.plan()
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	count, deepest := 0, 0
	for it := range l.items("") {
		count++
		deepest = max(deepest, strings.Count(it.path, "/"))
	}
	t.Logf("%d files (%d not folders, %d folders deep): listing holds %.1f MiB", n, count, deepest, float64(heap)/(1<<20))
	if heap > 128<<20 {
		t.Errorf("a listing of %d files holds %d MiB, want at most 128", n, heap>>20)
	}
	runtime.KeepAlive(l)
}
