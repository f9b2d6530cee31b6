package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/orgexport/orgexport/shared/manifest"
)

// partialSuffix marks an object whose download has not finished; the next
// run continues it from its size.
const partialSuffix = ".orgexport-partial"

const downloadAbout = `
Copies every object that manifest.json lists, several at once, checking
each object's size, MD5 and CRC32C (and SHA-256 of parts) as it arrives.
An interrupted run continues where it stopped: objects already complete
(checked by CRC32C) are skipped and partly copied ones (*` + partialSuffix + `)
are continued.

SOURCE is gs://BUCKET/CUSTOMER/EXPORT, the Cloud console's storage browser
URL of that folder, or an export's URL in the API (…/exports/EXPORT).

By default objects come through short-lived signed URLs asked of the API
(GET /exports/EXPORT/downloads; no bucket access needed, sign in first with
"orgexport login"). With --direct they are read from the bucket with
Application Default Credentials (STORAGE_EMULATOR_HOST locally).`

func runDownload(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "download", "[flags] SOURCE DIR", downloadAbout)
	direct := fs.Bool("direct", false, "read the bucket directly with Application Default Credentials instead of signed URLs")
	parallel := fs.Int("parallel", 8, "objects copied at once")
	var accounts listFlag
	fs.Var(&accounts, "account", "copy only these accounts' objects (repeatable or comma-separated; the export's root files are always copied)")
	api := addAPIFlags(fs, e)
	pos, err := parse(fs, args, 2, 2)
	if err != nil {
		return err
	}
	if *parallel < 1 || *parallel > 64 {
		return usageError("--parallel %d: want 1 to 64", *parallel)
	}
	loc, err := parseLocation(pos[0])
	if err != nil {
		return err
	}
	var src source
	if *direct {
		if loc.Bucket == "" {
			return usageError("--direct needs gs://BUCKET/CUSTOMER/EXPORT, not %s", pos[0])
		}
		d, closeFn, err := newDirectSource(ctx, loc)
		if err != nil {
			return err
		}
		defer closeFn()
		src = d
	} else {
		s, err := newSignedSource(ctx, e, api, loc)
		if err != nil {
			return err
		}
		src = s
	}
	d := &downloader{src: src, dir: pos[1], workers: *parallel, accounts: accounts, progress: newProgress(e)}
	return d.run(ctx)
}

// downloader copies one export into dir.
type downloader struct {
	src      source
	dir      string
	workers  int
	accounts []string
	progress *progress
	// retryWait is the first wait after a failed read; it doubles.
	retryWait time.Duration
}

// outcome of one object.
type outcome int

const (
	copied outcome = iota
	skipped
	corrupt    // arrived with the wrong checksum, twice
	denied     // refused, or not in the bucket
	unfinished // interrupted or failed: run again
)

func (d *downloader) run(ctx context.Context) error {
	if err := os.MkdirAll(d.dir, 0o755); err != nil {
		return accessError(err)
	}
	m, err := d.manifest(ctx)
	if err != nil {
		return err
	}
	objs := selectAccounts(m.Objects, d.accounts)
	if len(d.accounts) > 0 && !slices.ContainsFunc(objs, func(e manifest.Entry) bool { return accountOf(e.Name) != "" }) {
		return usageError("no account in the archive matches --account %s", strings.Join(d.accounts, ","))
	}
	counts, err := d.copyAll(ctx, objs)
	d.progress.finish()
	fmt.Fprintf(d.progress.out, "%d objects: %d copied, %d already complete, %d damaged, %d refused, %d unfinished\n",
		len(objs), counts[copied], counts[skipped], counts[corrupt], counts[denied], counts[unfinished])
	switch {
	case err != nil:
		return err
	case counts[corrupt] > 0:
		return verifyFailed(fmt.Errorf("%d objects arrived damaged twice", counts[corrupt]))
	case counts[denied] > 0:
		return accessError(fmt.Errorf("%d objects could not be read", counts[denied]))
	case counts[unfinished] > 0 || ctx.Err() != nil:
		return incomplete(fmt.Errorf("%d objects are not complete; run the same command again to continue", counts[unfinished]))
	}
	return nil
}

// manifest fetches manifest.json, checks it and keeps it in dir. A folder
// that holds another export is refused.
func (d *downloader) manifest(ctx context.Context) (*manifest.Manifest, error) {
	b, self, err := d.src.Manifest(ctx)
	if err != nil {
		if errors.Is(err, errDenied) {
			return nil, accessError(err)
		}
		return nil, incomplete(err)
	}
	if self != nil {
		sum, _ := manifest.File(bytes.NewReader(b), false)
		if err := sum.Match(*self); err != nil {
			return nil, incomplete(fmt.Errorf("%s arrived damaged: %v", manifest.Name, err))
		}
	}
	m, err := manifest.Read(bytes.NewReader(b))
	if err != nil {
		return nil, verifyFailed(err)
	}
	path := filepath.Join(d.dir, manifest.Name)
	if old, err := os.ReadFile(path); err == nil {
		if om, err := manifest.Read(bytes.NewReader(old)); err == nil && om.ExportID != m.ExportID {
			return nil, usageError("%s holds export %s, not %s: choose another folder", d.dir, om.ExportID, m.ExportID)
		}
	}
	if err := writeFileAtomic(path, b); err != nil {
		return nil, accessError(err)
	}
	return m, nil
}

// copyAll copies objs with d.workers at once, largest first so the long
// copies overlap the many small ones.
func (d *downloader) copyAll(ctx context.Context, objs []manifest.Entry) (map[outcome]int, error) {
	order := slices.Clone(objs)
	slices.SortStableFunc(order, func(a, b manifest.Entry) int { return int(min(max(b.Size-a.Size, -1), 1)) })
	d.progress.start(len(order), sumSizes(order))
	jobs := make(chan manifest.Entry)
	var (
		mu     sync.Mutex
		counts = map[outcome]int{}
		wg     sync.WaitGroup
	)
	for range d.workers {
		wg.Go(func() {
			buf := make([]byte, copyBuffer)
			for o := range jobs {
				res, err := d.copyOne(ctx, o, buf)
				d.progress.done(o, res, err)
				mu.Lock()
				counts[res]++
				mu.Unlock()
			}
		})
	}
	for _, o := range order {
		select {
		case jobs <- o:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(jobs)
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	counts[unfinished] += len(order) - counts[copied] - counts[skipped] - counts[corrupt] - counts[denied] - counts[unfinished]
	return counts, nil
}

func sumSizes(es []manifest.Entry) int64 {
	var n int64
	for _, e := range es {
		n += e.Size
	}
	return n
}

// selectAccounts keeps the export's root files and the objects of the
// named accounts (whole parts: a part mixes products). An account is named
// by its id or its folder ("users/alice@example.com").
func selectAccounts(objs []manifest.Entry, accounts []string) []manifest.Entry {
	if len(accounts) == 0 {
		return objs
	}
	var out []manifest.Entry
	for _, o := range objs {
		acct := accountOf(o.Name)
		if acct == "" || slices.ContainsFunc(accounts, func(a string) bool {
			return strings.EqualFold(a, acct) || strings.EqualFold(strings.Trim(a, "/"), accountFolder(o.Name))
		}) {
			out = append(out, o)
		}
	}
	return out
}

// accountFolder is "users/alice@example.com" for an object in that
// account's folder (also inside a "retry-N/" folder), or "".
func accountFolder(name string) string {
	segs := strings.Split(name, "/")
	if len(segs) > 0 && isRetryFolder(segs[0]) {
		segs = segs[1:]
	}
	if len(segs) < 3 {
		return ""
	}
	return segs[0] + "/" + segs[1]
}

// accountOf is the account id (its folder's name) of an object, or "".
func accountOf(name string) string {
	f := accountFolder(name)
	_, id, _ := strings.Cut(f, "/")
	return id
}

func isRetryFolder(seg string) bool {
	n, ok := strings.CutPrefix(seg, "retry-")
	return ok && n != "" && strings.Trim(n, "0123456789") == ""
}

// writeFileAtomic writes b to path through a temporary file and a rename.
func writeFileAtomic(path string, b []byte) error {
	tmp := path + partialSuffix
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
