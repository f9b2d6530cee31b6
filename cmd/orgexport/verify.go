package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/orgexport/orgexport/shared/manifest"
)

const verifyAbout = `
Checks a downloaded archive offline: every file of the export's root and of
each remediation folder (retry-N/, against its own manifest.json) against
its manifest (size, MD5, CRC32C, SHA-256 of parts); every zip's structure
and each entry's CRC; that each part's index names exactly the zip's
entries; and that report.json's totals match the indexes and the failure
files. Prints one line per problem, then a summary.`

func runVerify(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "verify", "[flags] DIR", verifyAbout)
	var accounts listFlag
	fs.Var(&accounts, "account", "check only these accounts (as downloaded with download --account)")
	workers := fs.Int("parallel", runtime.NumCPU(), "files checked at once")
	pos, err := parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	if fi, err := os.Stat(pos[0]); err != nil || !fi.IsDir() {
		return usageError("%s is not a folder", pos[0])
	}
	v := &verifier{dir: pos[0], accounts: accounts, workers: max(*workers, 1), out: e.stdout}
	t0 := time.Now()
	v.run(ctx)
	took := time.Since(t0)
	rate := float64(v.bytes) / max(took.Seconds(), 1e-3) / 1e6
	fmt.Fprintf(e.stdout, "%d files, %s checked in %s (%.1f MB/s): %d problems\n", v.files, human(v.bytes), took.Round(time.Millisecond), rate, len(v.problems))
	if ctx.Err() != nil {
		return incomplete(ctx.Err())
	}
	if len(v.problems) > 0 {
		return verifyFailed(fmt.Errorf("%d problems in %s", len(v.problems), v.dir))
	}
	return nil
}

// verifier checks one downloaded archive.
type verifier struct {
	dir      string
	accounts []string
	workers  int
	out      io.Writer

	mu       sync.Mutex
	problems []string
	files    int
	bytes    int64
	// tallies of the indexes and failure files, per root ("" or
	// "retry-N/") and account folder.
	tallies  map[string]*tally
	expected map[string]manifest.Entry // every listed file, by relative path
}

// problem prints and records one problem with a file (relative path).
func (v *verifier) problem(rel, format string, args ...any) {
	line := rel + ": " + fmt.Sprintf(format, args...)
	v.mu.Lock()
	defer v.mu.Unlock()
	v.problems = append(v.problems, line)
	fmt.Fprintln(v.out, line)
}

// root is a folder with its own manifest: the export's root, or retry-N/.
type root struct {
	folder string // "" or "retry-N/"
	m      *manifest.Manifest
}

func (v *verifier) run(ctx context.Context) {
	v.tallies = map[string]*tally{}
	roots := v.roots()
	if len(roots) == 0 {
		return
	}
	// The root's manifest lists the retry-N/ folders' objects too (their
	// manifests included), so each file is checked once, against the
	// first manifest that lists it.
	expected := map[string]manifest.Entry{}
	var jobs []string
	for _, r := range roots {
		if _, ok := expected[r.folder+manifest.Name]; !ok {
			expected[r.folder+manifest.Name] = manifest.Entry{} // not listed in itself
		}
		for _, o := range r.m.Objects {
			name := r.folder + o.Name
			if _, ok := expected[name]; ok {
				continue
			}
			expected[name] = o
			if v.wanted(name) {
				jobs = append(jobs, name)
			}
		}
	}
	v.expected = expected
	v.findStray(expected)
	v.checkFiles(ctx, jobs, expected)
	for _, r := range roots {
		v.checkReport(r)
	}
	slices.Sort(v.problems)
}

// roots reads the root manifest and those of retry-N/ folders.
func (v *verifier) roots() []root {
	var out []root
	folders := []string{""}
	entries, _ := os.ReadDir(v.dir)
	for _, d := range entries {
		if d.IsDir() && isRetryFolder(d.Name()) {
			folders = append(folders, d.Name()+"/")
		}
	}
	for _, f := range folders {
		rel := f + manifest.Name
		fh, err := os.Open(filepath.Join(v.dir, filepath.FromSlash(rel)))
		if err != nil {
			v.problem(rel, "missing: without it nothing can be checked here")
			continue
		}
		m, err := manifest.Read(fh)
		fh.Close()
		if err != nil {
			v.problem(rel, "%v", err)
			continue
		}
		out = append(out, root{folder: f, m: m})
	}
	return out
}

// wanted applies --account: root files always, account files when named.
func (v *verifier) wanted(rel string) bool {
	if len(v.accounts) == 0 {
		return true
	}
	return len(selectAccounts([]manifest.Entry{{Name: rel}}, v.accounts)) == 1
}

// findStray names every file no manifest lists: left-overs of an
// unfinished download, files added, and anything that is not a plain file.
func (v *verifier) findStray(expected map[string]manifest.Entry) {
	_ = filepath.WalkDir(v.dir, func(p string, d fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(v.dir, p)
		rel = filepath.ToSlash(rel)
		switch {
		case err != nil:
			v.problem(rel, "cannot be read: %v", err)
			return nil
		case d.IsDir():
			return nil
		case strings.HasSuffix(rel, partialSuffix):
			v.problem(strings.TrimSuffix(rel, partialSuffix), "only partly downloaded (%s is left); run download again", path.Base(rel))
		case !d.Type().IsRegular():
			v.problem(rel, "not a regular file")
		default:
			if _, ok := expected[rel]; !ok {
				v.problem(rel, "extra file: no manifest lists it")
			}
		}
		return nil
	})
}

// checkFiles checks the listed files with v.workers at once.
func (v *verifier) checkFiles(ctx context.Context, rels []string, expected map[string]manifest.Entry) {
	jobs := make(chan string)
	var wg sync.WaitGroup
	for range v.workers {
		wg.Go(func() {
			buf := make([]byte, 1<<20)
			for rel := range jobs {
				v.checkFile(rel, expected[rel], buf)
			}
		})
	}
	for _, rel := range rels {
		if ctx.Err() != nil {
			break
		}
		jobs <- rel
	}
	close(jobs)
	wg.Wait()
}

// checkFile compares one file with its manifest entry and, for a part,
// checks the zip and its index.
func (v *verifier) checkFile(rel string, want manifest.Entry, buf []byte) {
	p := filepath.Join(v.dir, filepath.FromSlash(rel))
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		v.problem(rel, "missing (%d bytes in the manifest)", want.Size)
		return
	}
	if err != nil {
		v.problem(rel, "cannot be read: %v", err)
		return
	}
	d := manifest.NewDigest(want.SHA256 != "")
	_, err = io.CopyBuffer(d, struct{ io.Reader }{f}, buf)
	f.Close()
	if err != nil {
		v.problem(rel, "cannot be read: %v", err)
		return
	}
	sum := d.Sum()
	v.mu.Lock()
	v.files++
	v.bytes += sum.Size
	v.mu.Unlock()
	if err := sum.Match(want); err != nil {
		what := "altered"
		if sum.Size < want.Size {
			what = "truncated"
		}
		v.problem(rel, "%s: %v", what, err)
		return
	}
	switch {
	case strings.HasSuffix(rel, ".zip"):
		v.checkPart(rel, p, buf)
	case strings.HasSuffix(rel, ".index.ndjson"):
		v.countIndex(rel, p)
	case strings.HasSuffix(rel, ".failures.ndjson"):
		v.countFailures(rel, p)
	}
}
