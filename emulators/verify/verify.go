// Package verify checks an export's archive against the Workspace
// emulator's ground truth, outside a test: the end-to-end tests and the
// load drivers (emulators/cmd/loadexport) compare the same way. Mirror
// downloads an export's objects as an admin would (gcloud storage cp -r);
// Archive reads a mirrored archive and lists every difference from the
// truth: an item missing, one with other bytes, one failed that should
// not have, one in the archive the source does not hold.
package verify

import (
	"archive/zip"
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"time"

	"cloud.google.com/go/storage"
	"google.golang.org/api/iterator"
	"google.golang.org/api/option"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/archive"
	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/zipname"
)

// Mirror downloads every object of bucket under prefix into dir, keeping
// the names after prefix, through the Cloud Storage client at storageHost
// (the emulator's host:port). It returns how many objects it copied; an
// object without Custom-Time (which the lifecycle rule of R12 needs) is an
// error.
func Mirror(ctx context.Context, storageHost, bucket, prefix, dir string) (int, error) {
	c, err := storage.NewClient(ctx, option.WithEndpoint("http://"+storageHost+"/storage/v1/"), option.WithoutAuthentication())
	if err != nil {
		return 0, err
	}
	defer c.Close()
	b := c.Bucket(bucket)
	it := b.Objects(ctx, &storage.Query{Prefix: prefix})
	n := 0
	for {
		a, err := it.Next()
		if errors.Is(err, iterator.Done) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		if a.CustomTime.IsZero() {
			return n, fmt.Errorf("%s has no Custom-Time: the lifecycle rule would keep it for ever (R12)", a.Name)
		}
		rel := strings.TrimPrefix(a.Name, prefix)
		if err := download(ctx, b.Object(a.Name), filepath.Join(dir, filepath.FromSlash(rel))); err != nil {
			return n, fmt.Errorf("download %s: %w", a.Name, err)
		}
		n++
	}
}

func download(ctx context.Context, o *storage.ObjectHandle, path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	r, err := o.NewReader(ctx)
	if err != nil {
		return err
	}
	defer r.Close()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Truth is the ground truth of an organisation: its accounts and what a
// complete export of each must hold (the Workspace emulator's Server).
type Truth interface {
	Accounts() []synth.TruthAccount
	Truth(accountID string) iter.Seq[synth.TruthItem]
}

// Account is what one account's folder of a mirrored archive holds.
type Account struct {
	// Entries maps the item id of each zip entry holding one item to the
	// SHA-256 of its bytes.
	Entries map[string]string
	// Items are the items held inside entries of many (an mbox, an .ics).
	Items map[string]bool
	// Failures maps each failed item to its reason.
	Failures map[string]string
}

// ReadAccount reads an account's folder: its zips, item indexes and
// failure files.
func ReadAccount(folder string) (Account, error) {
	a := Account{Entries: map[string]string{}, Items: map[string]bool{}, Failures: map[string]string{}}
	files, err := filepath.Glob(filepath.Join(folder, "*"))
	if err != nil {
		return a, err
	}
	for _, f := range files {
		switch {
		case strings.HasSuffix(f, ".index.ndjson"):
			sums, err := zipSums(strings.TrimSuffix(f, ".index.ndjson") + ".zip")
			if err != nil {
				return a, err
			}
			err = ReadNDJSON(f, func(r archive.IndexRecord) {
				switch {
				case r.Kind == archive.KindEntry && r.ItemID != "":
					a.Entries[r.ItemID] = sums[r.Path]
				case r.ItemID != "":
					a.Items[r.ItemID] = true
				}
			})
			if err != nil {
				return a, err
			}
		case strings.HasSuffix(f, ".failures.ndjson"):
			if err := ReadNDJSON(f, func(fl connector.Failure) { a.Failures[fl.ItemID] = fl.Reason }); err != nil {
				return a, err
			}
		}
	}
	return a, nil
}

// zipSums returns the SHA-256 of every entry of a zip, by name.
func zipSums(path string) (map[string]string, error) {
	z, err := zip.OpenReader(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer z.Close()
	out := map[string]string{}
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("%s in %s: %w", f.Name, path, err)
		}
		h := sha256.New()
		_, err = io.Copy(h, r)
		r.Close()
		if err != nil {
			return nil, fmt.Errorf("%s in %s: %w", f.Name, path, err)
		}
		out[f.Name] = hex.EncodeToString(h.Sum(nil))
	}
	return out, nil
}

// ReadNDJSON calls fn with each line of a newline-delimited JSON file.
func ReadNDJSON[T any](path string, fn func(T)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		fn(v)
	}
	return sc.Err()
}

// Archive compares every account's folder under root (a mirrored export)
// with the truth and returns the differences, each a sentence naming the
// account and item; none means the archive is exactly the source. Users
// created after cutOff (R4) must have no folder; the items of mustFail,
// and those the truth marks AlwaysFails, must be listed as failed with a
// reason. An account without a folder is a difference unless its truth is
// empty (an orphaned Chat space, Vault without licences: the report says
// why). It returns how many accounts it compared.
func Archive(truth Truth, root string, cutOff time.Time, mustFail []string) (int, []string, error) {
	fails := map[string]bool{}
	for _, id := range mustFail {
		fails[id] = true
	}
	var diffs []string
	n := 0
	for _, acct := range truth.Accounts() {
		folder := filepath.Join(root, acct.Type.Folder(), zipname.Sanitize(acct.ID))
		if acct.Type == export.User && export.Excluded(acct.Created, cutOff) {
			if _, err := os.Stat(folder); err == nil {
				diffs = append(diffs, fmt.Sprintf("%s was created after the cut-off but was exported", acct.ID))
			}
			continue
		}
		n++
		if _, err := os.Stat(folder); err != nil {
			if !empty(truth, acct.ID) {
				diffs = append(diffs, fmt.Sprintf("no folder for %s %s", acct.Type, acct.ID))
			}
			continue
		}
		got, err := ReadAccount(folder)
		if err != nil {
			return n, diffs, err
		}
		diffs = append(diffs, compare(truth, acct.ID, got, fails)...)
	}
	return n, diffs, nil
}

func compare(truth Truth, id string, got Account, mustFail map[string]bool) []string {
	var diffs []string
	want := map[string]bool{}
	for it := range truth.Truth(id) {
		want[it.ItemID] = true
		sum, asEntry := got.Entries[it.ItemID]
		reason, failed := got.Failures[it.ItemID]
		switch {
		case mustFail[it.ItemID] || it.AlwaysFails:
			if !failed || strings.TrimSpace(reason) == "" {
				diffs = append(diffs, fmt.Sprintf("%s: item %s (%s) should be listed as failed with a reason", id, it.ItemID, it.Name))
			}
		case failed:
			diffs = append(diffs, fmt.Sprintf("%s: item %s (%s) failed: %s", id, it.ItemID, it.Name, reason))
		case asEntry && it.SHA256 != "" && sum != it.SHA256:
			diffs = append(diffs, fmt.Sprintf("%s: item %s (%s) has checksum %s, want %s", id, it.ItemID, it.Name, sum, it.SHA256))
		case !asEntry && !got.Items[it.ItemID]:
			diffs = append(diffs, fmt.Sprintf("%s: item %s (%s, %s) is missing", id, it.ItemID, it.Product, it.Name))
		}
	}
	for item := range got.Entries {
		if !want[item] {
			diffs = append(diffs, fmt.Sprintf("%s: the archive holds %s, which the source does not", id, item))
		}
	}
	for item := range got.Items {
		if !want[item] {
			diffs = append(diffs, fmt.Sprintf("%s: the archive holds item %s, which the source does not", id, item))
		}
	}
	return diffs
}

func empty(truth Truth, id string) bool {
	for range truth.Truth(id) {
		return false
	}
	return true
}
