package gmail

import (
	"bufio"
	"bytes"
	"io"
	"time"
)

// mboxWriter writes messages in mboxrd format.
type mboxWriter struct {
	w *bufio.Writer
}

func newMboxWriter(w io.Writer) *mboxWriter {
	return &mboxWriter{w: bufio.NewWriterSize(w, 64<<10)}
}

// header is one header line added in front of a message's own.
type header struct{ name, value string }

// write appends one message: the separator line, the extra headers, then
// raw with "From " lines escaped, ending with a blank line.
func (m *mboxWriter) write(sender string, date time.Time, extra []header, raw []byte) error {
	eol := "\n"
	if i := bytes.IndexByte(raw, '\n'); i > 0 && raw[i-1] == '\r' {
		eol = "\r\n"
	}
	w := m.w
	w.WriteString("From " + sender + " " + date.UTC().Format("Mon Jan _2 15:04:05 2006") + "\n")
	for _, h := range extra {
		w.WriteString(h.name + ": " + h.value + eol)
	}
	for len(raw) > 0 {
		line := raw
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			line = raw[:i+1]
		}
		raw = raw[len(line):]
		if isFromLine(line) {
			w.WriteByte('>')
		}
		w.Write(line)
		if len(raw) == 0 && line[len(line)-1] != '\n' {
			w.WriteString(eol)
		}
	}
	_, err := w.WriteString("\n")
	return err
}

// isFromLine reports whether line matches ^>*From (mboxrd's rule).
func isFromLine(line []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeft(line, ">"), []byte("From "))
}

// flush writes what is buffered to the entry.
func (m *mboxWriter) flush() error { return m.w.Flush() }
