package main

import (
	"archive/zip"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/orgexport/orgexport/shared/manifest"
)

const unpackAbout = `
Extracts every account's zip parts, in order, into OUT/<account folder>/…
(OUT/users/alice@example.com/Mail/…) as one Takeout tree: a mailbox that
continues across parts ("All mail Including Spam and Trash-2.mbox", "-3", …)
becomes one .mbox again. Parts of a remediation go to OUT/retry-N/….
An entry whose name would leave OUT (an absolute path, "..", a link) is
refused and named; existing files are kept unless --overwrite is given.
Files keep their times. Run verify first: unpack checks each entry's CRC
but not the manifest.`

func runUnpack(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "unpack", "[flags] DIR OUT", unpackAbout)
	overwrite := fs.Bool("overwrite", false, "replace files that already exist in OUT")
	var accounts listFlag
	fs.Var(&accounts, "account", "unpack only these accounts")
	pos, err := parse(fs, args, 2, 2)
	if err != nil {
		return err
	}
	u := &unpacker{dir: pos[0], out: e.stdout, overwrite: *overwrite}
	accts, err := u.accounts(accounts)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(pos[1], 0o755); err != nil {
		return accessError(err)
	}
	root, err := os.OpenRoot(pos[1])
	if err != nil {
		return accessError(err)
	}
	defer root.Close()
	u.root = root
	for _, a := range accts {
		if ctx.Err() != nil {
			return incomplete(ctx.Err())
		}
		u.account(a)
	}
	fmt.Fprintf(e.stdout, "%d accounts, %d files (%s) unpacked into %s; %d entries refused, %d files kept\n",
		len(accts), u.files, human(u.bytes), pos[1], u.refused, u.kept)
	switch {
	case u.refused > 0:
		return verifyFailed(fmt.Errorf("%d entries refused", u.refused))
	case u.failed > 0:
		return accessError(fmt.Errorf("%d files could not be written", u.failed))
	case u.kept > 0:
		return usageError("%d files already exist in %s and were kept; pass --overwrite to replace them", u.kept, pos[1])
	}
	return nil
}

type unpacker struct {
	dir       string
	root      *os.Root
	out       io.Writer
	overwrite bool

	files, refused, kept, failed int
	bytes                        int64
}

// accountParts is one account folder ("users/alice@example.com", or
// "retry-1/users/…") and its parts, in order.
type accountParts struct {
	folder string
	parts  []string // relative to the download folder
}

var partNumber = regexp.MustCompile(`-(\d{3,})\.zip$`)

// accounts lists the accounts and their parts from the manifests.
func (u *unpacker) accounts(only []string) ([]accountParts, error) {
	var names []string
	folders := []string{""}
	if ds, err := os.ReadDir(u.dir); err == nil {
		for _, d := range ds {
			if d.IsDir() && isRetryFolder(d.Name()) {
				folders = append(folders, d.Name()+"/")
			}
		}
	}
	for _, f := range folders {
		fh, err := os.Open(filepath.Join(u.dir, filepath.FromSlash(f+manifest.Name)))
		if err != nil {
			if f == "" {
				return nil, usageError("%s has no %s: is it a downloaded archive?", u.dir, manifest.Name)
			}
			continue
		}
		m, err := manifest.Read(fh)
		fh.Close()
		if err != nil {
			return nil, verifyFailed(fmt.Errorf("%s%s: %w", f, manifest.Name, err))
		}
		for _, o := range selectAccounts(m.Objects, only) {
			if strings.HasSuffix(o.Name, ".zip") && accountFolder(o.Name) != "" {
				names = append(names, f+o.Name)
			}
		}
	}
	byFolder := map[string][]string{}
	for _, n := range names {
		folder := rootOf(n) + accountFolder(n)
		byFolder[folder] = append(byFolder[folder], n)
	}
	var out []accountParts
	for folder, parts := range byFolder {
		slices.SortFunc(parts, func(a, b string) int { return cmp.Compare(partOf(a), partOf(b)) })
		out = append(out, accountParts{folder: folder, parts: parts})
	}
	slices.SortFunc(out, func(a, b accountParts) int { return strings.Compare(a.folder, b.folder) })
	return out, nil
}

func partOf(name string) int {
	m := partNumber.FindStringSubmatch(name)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// account extracts one account's parts; files made by an earlier part of
// the same account are appended to (a mailbox's continuation), never
// refused as existing.
func (u *unpacker) account(a accountParts) {
	made := map[string]bool{}
	buf := make([]byte, 1<<20)
	for _, p := range a.parts {
		z, err := zip.OpenReader(filepath.Join(u.dir, filepath.FromSlash(p)))
		if err != nil {
			u.failed++
			fmt.Fprintf(u.out, "%s: not a readable zip: %v\n", p, err)
			continue
		}
		for _, f := range z.File {
			u.entry(a.folder, p, f, made, buf)
		}
		z.Close()
	}
}

// continuation matches a mailbox continued in a later part.
var continuation = regexp.MustCompile(`^(Mail/.+)-(\d+)\.mbox$`)

func (u *unpacker) entry(folder, part string, f *zip.File, made map[string]bool, buf []byte) {
	if err := safeEntry(f); err != nil {
		u.refused++
		fmt.Fprintf(u.out, "%s: refused entry %q: %v\n", part, f.Name, err)
		return
	}
	if strings.HasSuffix(f.Name, "/") {
		if err := u.root.MkdirAll(path.Join(folder, f.Name), 0o755); err != nil {
			u.fail(part, f.Name, err)
		}
		return
	}
	target := path.Join(folder, f.Name)
	appending := false
	if m := continuation.FindStringSubmatch(f.Name); m != nil {
		if base := path.Join(folder, m[1]+".mbox"); made[base] {
			target, appending = base, true
		}
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	switch {
	case appending:
		flags = os.O_WRONLY | os.O_APPEND
	case made[target]:
		u.refused++
		fmt.Fprintf(u.out, "%s: refused entry %q: the account already has a file of that name\n", part, f.Name)
		return
	case u.overwrite:
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	if err := u.root.MkdirAll(path.Dir(target), 0o755); err != nil {
		u.fail(part, f.Name, err)
		return
	}
	n, err := u.write(target, flags, f, buf)
	switch {
	case errors.Is(err, fs.ErrExist):
		u.kept++
		fmt.Fprintf(u.out, "%s: exists, kept (--overwrite replaces it)\n", target)
		return
	case err != nil:
		u.fail(part, f.Name, err)
		return
	}
	made[target] = true
	u.files++
	u.bytes += n
	if !f.Modified.IsZero() {
		_ = u.root.Chtimes(target, f.Modified, f.Modified)
	}
}

// write copies the entry into the file; archive/zip checks its CRC-32 at
// the end.
func (u *unpacker) write(target string, flags int, f *zip.File, buf []byte) (int64, error) {
	r, err := f.Open()
	if err != nil {
		return 0, err
	}
	defer r.Close()
	w, err := u.root.OpenFile(target, flags, 0o644)
	if err != nil {
		return 0, err
	}
	n, err := io.CopyBuffer(w, struct{ io.Reader }{r}, buf)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	return n, err
}

func (u *unpacker) fail(part, name string, err error) {
	u.failed++
	fmt.Fprintf(u.out, "%s: entry %q: %v\n", part, name, err)
}

// safeEntry refuses what could land outside the account's folder or be
// something else than a file or folder. os.Root refuses escapes through
// links already in OUT on top of this.
func safeEntry(f *zip.File) error {
	name := f.Name
	switch {
	case strings.HasPrefix(name, "/") || (len(name) > 1 && name[1] == ':'):
		return errors.New("an absolute path")
	case strings.Contains(name, `\`):
		return errors.New("a backslash (a Windows path separator)")
	}
	if err := manifest.ValidName(strings.TrimSuffix(name, "/")); err != nil {
		return errors.New("not a clean relative path")
	}
	if !filepath.IsLocal(filepath.FromSlash(strings.TrimSuffix(name, "/"))) {
		return errors.New("would leave the output folder")
	}
	if m := f.Mode(); m&(fs.ModeSymlink|fs.ModeDevice|fs.ModeNamedPipe|fs.ModeSocket|fs.ModeCharDevice) != 0 {
		return fmt.Errorf("a %s, not a file", m.Type())
	}
	return nil
}
