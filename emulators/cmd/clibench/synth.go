package main

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/orgexport/orgexport/shared/archive"
	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/manifest"
	"github.com/orgexport/orgexport/shared/report"
)

// entrySize is the size of each stored entry of a synthetic part.
const entrySize = 1 << 30

// synthesize writes an archive of users accounts with one part of about
// partSize bytes each (stored random data, so nothing compresses), with
// their indexes, report.json and manifest.json, as the pipeline lays
// them out.
func synthesize(dir string, users int, partSize int64) error {
	var accounts []report.Account
	var entries []manifest.Entry
	for i := range users {
		id := fmt.Sprintf("user%03d@example.com", i)
		a, es, err := writePart(dir, id, partSize, uint64(i))
		if err != nil {
			return err
		}
		accounts = append(accounts, a)
		entries = append(entries, es...)
	}
	now := time.Now().UTC().Truncate(time.Second)
	rep, err := report.Build(report.Input{
		Export: report.Export{CustomerID: "C0bench", Domain: "example.com", ExportID: "E0bench", RequestedBy: "admin@example.com",
			RequestedAt: now, HoldEnd: now, CutOff: now, StartedAt: now, FinishedAt: now, State: export.Completed},
		Accounts: func(yield func(report.Account, error) bool) {
			for _, a := range accounts {
				if !yield(a, nil) {
					return
				}
			}
		},
	})
	if err != nil {
		return err
	}
	e, err := writeFile(dir, "report.json", rep.WriteJSON)
	if err != nil {
		return err
	}
	entries = append(entries, e)
	m := manifest.Manifest{Version: 1, CustomerID: "C0bench", ExportID: "E0bench", GeneratedAt: now.Format(time.RFC3339), Objects: entries}
	b, _ := json.MarshalIndent(m, "", "  ")
	return os.WriteFile(filepath.Join(dir, manifest.Name), b, 0o644)
}

// writePart writes one account's part of about size bytes and its index.
func writePart(dir, id string, size int64, seed uint64) (report.Account, []manifest.Entry, error) {
	folder := "users/" + id + "/"
	name := folder + archive.PartName(id, 1)
	if err := os.MkdirAll(filepath.Join(dir, folder), 0o755); err != nil {
		return report.Account{}, nil, err
	}
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		return report.Account{}, nil, err
	}
	defer f.Close()
	idxName := folder + archive.IndexName(id, 1)
	idx, err := os.Create(filepath.Join(dir, idxName))
	if err != nil {
		return report.Account{}, nil, err
	}
	defer idx.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	pw, err := archive.New(bw, archive.Options{Index: idx})
	if err != nil {
		return report.Account{}, nil, err
	}
	rnd := rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8)})
	for n := 0; size > 0; n++ {
		w, err := pw.Create(connector.Entry{Path: fmt.Sprintf("Drive/blob-%03d.bin", n), ItemID: fmt.Sprintf("file-%d", n),
			Content: connector.Compressed, Modified: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			return report.Account{}, nil, err
		}
		k := min(size, entrySize)
		if _, err := io.CopyN(w, rnd, k); err != nil {
			return report.Account{}, nil, err
		}
		size -= k
	}
	sum, err := pw.Close()
	if err != nil {
		return report.Account{}, nil, err
	}
	if err := bw.Flush(); err != nil {
		return report.Account{}, nil, err
	}
	ie, err := digestFile(dir, idxName)
	if err != nil {
		return report.Account{}, nil, err
	}
	a := report.Account{Type: export.User, ID: id, Parts: []string{name},
		Products: []report.ProductCount{{Product: export.Drive, Exported: int64(sum.Items[export.Drive])}}}
	return a, []manifest.Entry{{Name: name, Size: sum.Size, MD5: hex.EncodeToString(sum.MD5),
		CRC32C: fmt.Sprintf("%08x", sum.CRC32C), SHA256: hex.EncodeToString(sum.SHA256)}, ie}, nil
}

func writeFile(dir, name string, write func(io.Writer) error) (manifest.Entry, error) {
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		return manifest.Entry{}, err
	}
	if err := write(f); err != nil {
		f.Close()
		return manifest.Entry{}, err
	}
	if err := f.Close(); err != nil {
		return manifest.Entry{}, err
	}
	return digestFile(dir, name)
}

func digestFile(dir, name string) (manifest.Entry, error) {
	f, err := os.Open(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		return manifest.Entry{}, err
	}
	defer f.Close()
	s, err := manifest.File(f, false)
	return manifest.Entry{Name: name, Size: s.Size, MD5: s.MD5, CRC32C: s.CRC32C}, err
}
