package synth

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"
)

// Export formats.
const (
	MimeDocx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	MimeXlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	MimePptx = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
	MimeSVG  = "image/svg+xml"
)

// ErrFormat means a Google file cannot be exported in the asked format.
var ErrFormat = errors.New("export format not supported")

// ExportFormats are the formats a Google file exports to, the primary
// (the one the ground truth uses) first.
func ExportFormats(mimeType string) []string {
	switch mimeType {
	case MimeDoc:
		return []string{MimeDocx, "text/plain"}
	case MimeSheet:
		return []string{MimeXlsx, "text/csv"}
	case MimeSlides:
		return []string{MimePptx, "text/plain"}
	case MimeDrawing:
		return []string{MimeSVG}
	case MimeScript:
		return []string{MimeScriptJSON}
	}
	return nil
}

// WriteExport writes the file exported as mimeType and returns the count.
// Office formats are zip files; the big Doc carries a stored payload of
// BigDocSize bytes.
func (g *Org) WriteExport(w io.Writer, f File, mimeType string) (int64, error) {
	ok := false
	for _, m := range ExportFormats(f.MimeType) {
		ok = ok || m == mimeType
	}
	if !ok {
		return 0, fmt.Errorf("export %s as %s: %w", f.ID, mimeType, ErrFormat)
	}
	cw := &countWriter{w: w}
	var err error
	switch mimeType {
	case "text/plain", "text/csv":
		_, err = fmt.Fprintf(cw, "%s\r\nGenerated content of %s.\r\n", f.Name, f.ID)
	case MimeScriptJSON:
		err = writeScript(cw, f)
	case MimeSVG:
		_, err = fmt.Fprintf(cw, `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><rect width="%d" height="50" fill="#36c"/><text x="10" y="80">%s</text></svg>`+"\n", 20+f.Index, f.ID)
	default:
		err = g.writeOffice(cw, f, mimeType)
	}
	if err != nil {
		return cw.n, fmt.Errorf("export %s: %w", f.ID, err)
	}
	return cw.n, nil
}

// ExportSize is the size of the export, computed by generating it.
func (g *Org) ExportSize(f File, mimeType string) (int64, error) {
	return g.WriteExport(io.Discard, f, mimeType)
}

// ExportSHA256 is the SHA-256 (hex) and size of the export.
func (g *Org) ExportSHA256(f File, mimeType string) (string, int64, error) {
	h := sha256.New()
	n, err := g.WriteExport(h, f, mimeType)
	return hex.EncodeToString(h.Sum(nil)), n, err
}

func (g *Org) writeOffice(w io.Writer, f File, mimeType string) error {
	part := map[string]string{MimeDocx: "word/document.xml", MimeXlsx: "xl/workbook.xml", MimePptx: "ppt/presentation.xml"}[mimeType]
	z := zip.NewWriter(w)
	mod := f.Modified.Truncate(2 * time.Second)
	put := func(name string, method uint16, body func(io.Writer) error) error {
		e, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: mod})
		if err != nil {
			return err
		}
		return body(e)
	}
	text := func(s string) func(io.Writer) error {
		return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
	}
	if err := put("[Content_Types].xml", zip.Deflate, text(`<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>`)); err != nil {
		return err
	}
	body := fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?><document id="%s"><title>%s</title><p>Generated %d</p></document>`, f.ID, xmlEscape(f.Name), g.hash(kFile, uint64(f.Index)))
	if err := put(part, zip.Deflate, text(body)); err != nil {
		return err
	}
	if f.big {
		blob := Blob{key: g.hash(kBlob, kFile, 'b', uint64(f.Owner.Index)), Size: g.opt.BigDocSize}
		if err := put("word/media/payload.bin", zip.Store, func(w io.Writer) error {
			_, err := io.CopyBuffer(w, blob.Reader(), make([]byte, blockSize))
			return err
		}); err != nil {
			return err
		}
	}
	return z.Close()
}

func xmlEscape(s string) string {
	var b []byte
	for _, r := range s {
		switch r {
		case '<':
			b = append(b, "&lt;"...)
		case '>':
			b = append(b, "&gt;"...)
		case '&':
			b = append(b, "&amp;"...)
		case '"':
			b = append(b, "&quot;"...)
		default:
			if r >= 0x20 || r == '\t' {
				b = append(b, string(r)...)
			}
		}
	}
	return string(b)
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
