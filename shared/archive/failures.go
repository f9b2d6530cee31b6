package archive

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"github.com/orgexport/orgexport/shared/connector"
)

// FailureLog writes failures as NDJSON: one JSON object per line, in the
// shape of connector.Failure.
type FailureLog struct {
	enc *json.Encoder
	n   int
}

// NewFailureLog returns a FailureLog writing to w.
func NewFailureLog(w io.Writer) *FailureLog {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &FailureLog{enc: enc}
}

// Write appends f as one line.
func (l *FailureLog) Write(f connector.Failure) error {
	if err := l.enc.Encode(f); err != nil {
		return fmt.Errorf("write failure of %s: %w", f.ItemID, err)
	}
	l.n++
	return nil
}

// Len is the number of failures written.
func (l *FailureLog) Len() int { return l.n }

// WriteFailures writes fs to w as NDJSON.
func WriteFailures(w io.Writer, fs []connector.Failure) error {
	l := NewFailureLog(w)
	for _, f := range fs {
		if err := l.Write(f); err != nil {
			return err
		}
	}
	return nil
}

// ReadFailures calls fn with each failure in the NDJSON stream r, in order,
// and stops at the first error fn returns.
func ReadFailures(r io.Reader, fn func(connector.Failure) error) error {
	dec := json.NewDecoder(bufio.NewReader(r))
	for line := 1; dec.More(); line++ {
		var f connector.Failure
		if err := dec.Decode(&f); err != nil {
			return fmt.Errorf("read failure %d: %w", line, err)
		}
		if err := fn(f); err != nil {
			return err
		}
	}
	return nil
}
