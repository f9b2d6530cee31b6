package connector

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// WriteError marks a failure to write into the zip. It is not the item's
// fault: it ends the export instead of failing one item.
type WriteError struct{ Err error }

func (e *WriteError) Error() string { return "write entry: " + e.Err.Error() }
func (e *WriteError) Unwrap() error { return e.Err }

// Sink wraps an entry's writer so that its errors are WriteErrors, told
// apart from errors of the source being read.
func Sink(w io.Writer) io.Writer { return sink{w} }

type sink struct{ w io.Writer }

func (s sink) Write(p []byte) (int, error) {
	n, err := s.w.Write(p)
	if err != nil {
		err = &WriteError{err}
	}
	return n, err
}

// WriteJSON adds a compressible entry holding v as indented JSON.
func WriteJSON(e Emitter, path string, mod time.Time, v any) error {
	w, err := e.Create(Entry{Path: path, Modified: mod, Content: Compressible})
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// Resumes is how often Download resumes a body cut off in transit.
const Resumes = 3

// Download copies a download into w and returns the bytes copied. get
// starts the download at offset; when the body breaks off, Download asks
// again from where it broke (a Range request, which must answer 206), up to
// Resumes times. server names the source in the error ("Drive").
func Download(ctx context.Context, server string, get func(offset int64) (*http.Response, error), w io.Writer) (int64, error) {
	var n int64
	var err error
	for try := 0; try <= Resumes; try++ {
		var resp *http.Response
		if resp, err = get(n); err != nil {
			return n, err
		}
		if n > 0 && resp.StatusCode != http.StatusPartialContent {
			resp.Body.Close()
			return n, fmt.Errorf("download broke off after %d bytes and %s would not resume it", n, server)
		}
		var m int64
		m, err = io.Copy(w, resp.Body)
		resp.Body.Close()
		n += m
		if err == nil || ctx.Err() != nil || errors.As(err, new(*WriteError)) {
			break
		}
	}
	if err != nil {
		return n, fmt.Errorf("download broke off after %d bytes: %w", n, err)
	}
	return n, nil
}
