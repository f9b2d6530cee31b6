package connectortest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"

	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/zipname"
)

// Entry is one file an Emitter received.
type Entry struct {
	connector.Entry
	Data  []byte
	Items []string // ids recorded with Item while this entry was current
}

// SHA256 is the hex SHA-256 of the entry's bytes.
func (e *Entry) SHA256() string {
	s := sha256.Sum256(e.Data)
	return hex.EncodeToString(s[:])
}

// Emitter records a connector's output in memory. It cuts the part at a
// checkpoint when Cut says so.
type Emitter struct {
	Entries     []*Entry
	Failures    []connector.Failure
	Checkpoints []string
	// Cut decides, given the number of checkpoints so far in this part
	// (from 1) and the cursor, whether the part ends there.
	Cut func(n int, cursor string) bool
	// PartNumber is what Part returns (default 1).
	PartNumber int
	// OnCreate, if set, is called at every Create.
	OnCreate func()

	inPart int
	open   bool // a writer is valid
	// Discard keeps only checksums, not bytes, for benchmarks.
	Discard bool
	Bytes   int64
}

var _ connector.Emitter = (*Emitter)(nil)

// Create implements connector.Emitter; it rejects unsafe paths.
func (m *Emitter) Create(e connector.Entry) (io.Writer, error) {
	if err := zipname.Valid(e.Path); err != nil {
		return nil, fmt.Errorf("connectortest: %w", err)
	}
	if m.OnCreate != nil {
		m.OnCreate()
	}
	en := &Entry{Entry: e}
	m.Entries = append(m.Entries, en)
	m.open = true
	return &entryWriter{m: m, e: en}, nil
}

type entryWriter struct {
	m *Emitter
	e *Entry
	h bytes.Buffer
}

func (w *entryWriter) Write(p []byte) (int, error) {
	if w.m.Entries[len(w.m.Entries)-1] != w.e || !w.m.open {
		return 0, fmt.Errorf("connectortest: write to %s after the next Create or a cut", w.e.Path)
	}
	w.m.Bytes += int64(len(p))
	if !w.m.Discard {
		w.e.Data = append(w.e.Data, p...)
	}
	return len(p), nil
}

// Item implements connector.Emitter.
func (m *Emitter) Item(id string) {
	if len(m.Entries) == 0 {
		panic("connectortest: Item before any Create")
	}
	e := m.Entries[len(m.Entries)-1]
	e.Items = append(e.Items, id)
}

// Fail implements connector.Emitter. Like the zip part writer, it leaves
// out the open entry when the entry holds exactly the failed item.
func (m *Emitter) Fail(f connector.Failure) {
	if n := len(m.Entries); m.open && n > 0 && f.ItemID != "" && m.Entries[n-1].ItemID == f.ItemID {
		m.Entries = m.Entries[:n-1]
		m.open = false
	}
	m.Failures = append(m.Failures, f)
}

// Checkpoint implements connector.Emitter.
func (m *Emitter) Checkpoint(ctx context.Context, cursor string) error {
	if len(cursor) > 1024 {
		return fmt.Errorf("connectortest: cursor of %d bytes, over 1 KiB", len(cursor))
	}
	m.Checkpoints = append(m.Checkpoints, cursor)
	m.inPart++
	if m.Cut != nil && m.Cut(m.inPart, cursor) {
		m.open = false // a cut ends the open file; any other checkpoint leaves it open
		return connector.ErrCut
	}
	return ctx.Err()
}

// Part implements connector.Emitter.
func (m *Emitter) Part() int {
	if m.PartNumber == 0 {
		return 1
	}
	return m.PartNumber
}
