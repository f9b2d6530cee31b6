package connectortest

import (
	"context"
	"errors"
	"fmt"

	"github.com/orgexport/orgexport/shared/connector"
)

// Result is a whole export of one account, over one or more parts.
type Result struct {
	Parts []*Emitter
}

// ExportAll exports a from the start, one part after another: a part ends
// where cut says (nil: never). It fails if an export never ends.
func ExportAll(ctx context.Context, c connector.Connector, a connector.Account,
	cut func(n int, cursor string) bool) (*Result, error) {
	return ExportAllFrom(ctx, c, a, "", cut)
}

// ExportAllFrom is ExportAll from a cursor a part ended at.
func ExportAllFrom(ctx context.Context, c connector.Connector, a connector.Account, cursor string,
	cut func(n int, cursor string) bool) (*Result, error) {
	return inParts(cursor, cut, func(cursor string, e *Emitter) error { return c.Export(ctx, a, cursor, e) })
}

// ExportItems exports the items ids of a by id (connector.ItemExporter),
// one part after another, as ExportAll does.
func ExportItems(ctx context.Context, c connector.ItemExporter, a connector.Account, ids []string,
	cut func(n int, cursor string) bool) (*Result, error) {
	return inParts("", cut, func(cursor string, e *Emitter) error { return c.ExportItems(ctx, a, ids, cursor, e) })
}

func inParts(cursor string, cut func(n int, cursor string) bool, export func(cursor string, e *Emitter) error) (*Result, error) {
	r := &Result{}
	for part := 1; part <= 10000; part++ {
		e := &Emitter{Cut: cut, PartNumber: part}
		r.Parts = append(r.Parts, e)
		err := export(cursor, e)
		if err == nil {
			return r, nil
		}
		if !errors.Is(err, connector.ErrCut) {
			return r, err
		}
		if len(e.Checkpoints) == 0 {
			return r, errors.New("ErrCut returned without a checkpoint")
		}
		cursor = e.Checkpoints[len(e.Checkpoints)-1]
	}
	return r, errors.New("export did not end after 10000 parts")
}

// Entries are all entries of all parts.
func (r *Result) Entries() []*Entry {
	var out []*Entry
	for _, p := range r.Parts {
		out = append(out, p.Entries...)
	}
	return out
}

// Failures are all failures of all parts.
func (r *Result) Failures() []connector.Failure {
	var out []connector.Failure
	for _, p := range r.Parts {
		out = append(out, p.Failures...)
	}
	return out
}

// Items counts how often each item id was exported: as an entry's ItemID
// or recorded with Item.
func (r *Result) Items() map[string]int {
	out := map[string]int{}
	for _, e := range r.Entries() {
		if e.ItemID != "" {
			out[e.ItemID]++
		}
		for _, id := range e.Items {
			out[id]++
		}
	}
	return out
}

// Bytes is the total size of all entries.
func (r *Result) Bytes() int64 {
	var n int64
	for _, p := range r.Parts {
		n += p.Bytes
	}
	return n
}

// duplicatePaths lists entry paths that occur more than once, across parts
// too: extracting all parts into one folder would overwrite them.
func (r *Result) duplicatePaths() []string {
	seen := map[string]bool{}
	var dup []string
	for _, e := range r.Entries() {
		if seen[e.Path] {
			dup = append(dup, e.Path)
		}
		seen[e.Path] = true
	}
	return dup
}

func (r *Result) String() string {
	return fmt.Sprintf("%d parts, %d entries, %d items, %d failures",
		len(r.Parts), len(r.Entries()), len(r.Items()), len(r.Failures()))
}
