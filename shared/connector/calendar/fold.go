package calendar

import (
	"io"
	"unicode/utf8"
)

// folder folds the content lines written to it at 75 octets (RFC 5545
// 3.1), never inside a UTF-8 sequence. go-ical writes one whole content
// line, ending in CRLF, per Write call.
type folder struct{ w io.Writer }

const lineLimit = 75

func (f folder) Write(p []byte) (int, error) {
	line := p
	var out []byte
	width := lineLimit
	for len(line) > width+2 { // +2: the CRLF does not count
		cut := width
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		out = append(out, line[:cut]...)
		out = append(out, "\r\n "...)
		line = line[cut:]
		width = lineLimit - 1 // the leading space counts
	}
	out = append(out, line...)
	if _, err := f.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}
