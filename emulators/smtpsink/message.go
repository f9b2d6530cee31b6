package smtpsink

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Message is one received message, parsed.
type Message struct {
	File    string   // path of the .eml file
	From    string   // envelope sender (MAIL FROM)
	To      []string // envelope recipients (RCPT TO)
	Header  mail.Header
	Subject string // decoded from RFC 2047 encoded words
	// Parts are the leaf parts in order, with their transfer encoding
	// undone; a message that is not multipart has one part.
	Parts []Part
}

// Part is one leaf MIME part.
type Part struct {
	ContentType string // media type without parameters, e.g. "text/plain"
	Charset     string
	Header      textproto.MIMEHeader
	Body        string
}

// Part returns the first part with the media type, or false.
func (m *Message) Part(mediaType string) (Part, bool) {
	for _, p := range m.Parts {
		if p.ContentType == mediaType {
			return p, true
		}
	}
	return Part{}, false
}

// Messages reads and parses every message received so far, in order of
// arrival. A message that is not valid MIME is an error.
func (s *Sink) Messages() ([]Message, error) {
	names, err := filepath.Glob(filepath.Join(s.dir, "*.eml"))
	if err != nil {
		return nil, fmt.Errorf("smtpsink: %w", err)
	}
	slices.Sort(names)
	out := make([]Message, 0, len(names))
	for _, name := range names {
		m, err := ReadFile(name)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// ReadFile parses one .eml file.
func ReadFile(name string) (Message, error) {
	raw, err := os.ReadFile(name)
	if err != nil {
		return Message{}, fmt.Errorf("smtpsink: %w", err)
	}
	m, err := Parse(raw)
	if err != nil {
		return Message{}, fmt.Errorf("smtpsink: %s: %w", filepath.Base(name), err)
	}
	m.File = name
	return m, nil
}

// Parse parses a raw message as the sink stores it.
func Parse(raw []byte) (Message, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Message{}, fmt.Errorf("header: %w", err)
	}
	m := Message{Header: msg.Header, From: strings.Trim(msg.Header.Get("Return-Path"), "<>")}
	for _, to := range strings.Split(msg.Header.Get("X-Sink-Envelope-To"), ",") {
		if to = strings.TrimSpace(to); to != "" {
			m.To = append(m.To, to)
		}
	}
	dec := new(mime.WordDecoder)
	if m.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return Message{}, fmt.Errorf("subject: %w", err)
	}
	m.Parts, err = parseEntity(textproto.MIMEHeader(msg.Header), msg.Body, 0)
	if err != nil {
		return Message{}, err
	}
	return m, nil
}

// parseEntity returns the leaf parts of one MIME entity.
func parseEntity(h textproto.MIMEHeader, body io.Reader, depth int) ([]Part, error) {
	if depth > 8 {
		return nil, fmt.Errorf("MIME nesting deeper than 8")
	}
	ct := h.Get("Content-Type")
	if ct == "" {
		ct = "text/plain; charset=us-ascii"
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return nil, fmt.Errorf("content type %q: %w", ct, err)
	}
	if !strings.HasPrefix(mt, "multipart/") {
		b, err := decodeBody(h.Get("Content-Transfer-Encoding"), body)
		if err != nil {
			return nil, fmt.Errorf("%s part: %w", mt, err)
		}
		return []Part{{ContentType: mt, Charset: params["charset"], Header: h, Body: string(b)}}, nil
	}
	if params["boundary"] == "" {
		return nil, fmt.Errorf("%s without boundary", mt)
	}
	var parts []Part
	mr := multipart.NewReader(body, params["boundary"])
	for {
		p, err := mr.NextPart() // undoes quoted-printable itself
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", mt, err)
		}
		sub, err := parseEntity(p.Header, p, depth+1)
		if err != nil {
			return nil, err
		}
		parts = append(parts, sub...)
	}
	if len(parts) == 0 {
		return nil, fmt.Errorf("%s with no parts", mt)
	}
	return parts, nil
}

func decodeBody(cte string, body io.Reader) ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "", "7bit", "8bit", "binary":
		return io.ReadAll(body)
	case "quoted-printable":
		return io.ReadAll(quotedprintable.NewReader(body))
	case "base64":
		return io.ReadAll(base64.NewDecoder(base64.StdEncoding, body))
	}
	return nil, fmt.Errorf("unknown transfer encoding %q", cte)
}
