package archive

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
)

// Kinds of IndexRecord.
const (
	// KindEntry is written when an entry ends, with its size and CRC-32.
	KindEntry = "entry"
	// KindItem is written for each Emitter.Item call.
	KindItem = "item"
)

// IndexRecord is one line of a part's item index: an entry of the zip, or
// a source item held in one.
type IndexRecord struct {
	Kind string `json:"kind"`
	Path string `json:"path"`
	// ItemID is the source item: the one an entry holds, if it holds
	// exactly one, or the item of an "item" record.
	ItemID string `json:"item_id,omitempty"`
	// Size (uncompressed) and CRC32 are set on "entry" records; the CRC is
	// the one in the zip, so an extracted file can be checked against it.
	Size  uint64 `json:"size,omitempty"`
	CRC32 uint32 `json:"crc32,omitempty"`
	// Note is the entry's connector.Entry.Note.
	Note string `json:"note,omitempty"`
}

// IndexLog writes IndexRecords as NDJSON.
type IndexLog struct {
	enc *json.Encoder
}

// NewIndexLog returns an IndexLog writing to w.
func NewIndexLog(w io.Writer) *IndexLog {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &IndexLog{enc: enc}
}

// Write appends r as one line.
func (l *IndexLog) Write(r IndexRecord) error {
	if err := l.enc.Encode(r); err != nil {
		return fmt.Errorf("write index of %s: %w", r.Path, err)
	}
	return nil
}

// ReadIndex calls fn with each record of the NDJSON index r, in order, and
// stops at the first error fn returns.
func ReadIndex(r io.Reader, fn func(IndexRecord) error) error {
	dec := json.NewDecoder(bufio.NewReader(r))
	for line := 1; dec.More(); line++ {
		var rec IndexRecord
		if err := dec.Decode(&rec); err != nil {
			return fmt.Errorf("read index record %d: %w", line, err)
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
	return nil
}

// IndexName is the object name of the item index of an account's part n,
// beside the part: "{id}-001.index.ndjson".
func IndexName(id string, n int) string {
	return nameOf(id, n, "index.ndjson")
}

// record adds r to the index.
func (p *PartWriter) record(r IndexRecord) {
	if p.index == nil {
		p.records = append(p.records, r)
		return
	}
	if err := p.index.Write(r); err != nil {
		p.fail(err)
	}
}

// Index returns the index kept in memory when Options.Index is nil.
func (p *PartWriter) Index() []IndexRecord { return p.records }
