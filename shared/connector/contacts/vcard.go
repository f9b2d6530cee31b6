package contacts

import (
	"encoding/base64"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-vcard"
	"google.golang.org/api/people/v1"
)

// card converts a person into a vCard 3.0. photo is the photo's bytes and
// MIME type, if any.
func card(p *people.Person, categories []string, photo []byte, photoType string) vcard.Card {
	c := vcard.Card{}
	c.SetValue(vcard.FieldVersion, "3.0")
	c.SetValue(vcard.FieldUID, clean(p.ResourceName))
	fn := ""
	if len(p.Names) > 0 {
		n := p.Names[0]
		fn = n.DisplayName
		c.SetName(&vcard.Name{FamilyName: part(n.FamilyName), GivenName: part(n.GivenName),
			AdditionalName: part(n.MiddleName), HonorificPrefix: part(n.HonorificPrefix),
			HonorificSuffix: part(n.HonorificSuffix)})
	}
	if fn == "" && len(p.EmailAddresses) > 0 {
		fn = p.EmailAddresses[0].Value
	}
	c.SetValue(vcard.FieldFormattedName, clean(fn))
	for _, e := range p.EmailAddresses {
		c.Add(vcard.FieldEmail, typed(e.Value, e.Type))
	}
	for _, t := range p.PhoneNumbers {
		c.Add(vcard.FieldTelephone, typed(t.Value, t.Type))
	}
	for _, o := range p.Organizations {
		c.AddValue(vcard.FieldOrganization, organization(o))
		if o.Title != "" {
			c.AddValue(vcard.FieldTitle, clean(o.Title))
		}
	}
	details(c, p)
	for _, b := range p.Biographies {
		c.AddValue(vcard.FieldNote, clean(b.Value))
	}
	for _, cat := range categories {
		c.AddValue(vcard.FieldCategories, clean(cat))
	}
	if len(photo) > 0 {
		c.Add(vcard.FieldPhoto, &vcard.Field{Value: base64.StdEncoding.EncodeToString(photo),
			Params: vcard.Params{"ENCODING": {"b"}, "TYPE": {photoType}}})
	}
	return c
}

func typed(v, typ string) *vcard.Field {
	f := &vcard.Field{Value: clean(v), Params: vcard.Params{}}
	if t := strings.ToUpper(clean(typ)); t != "" && !strings.ContainsAny(t, ";:,\"") {
		f.Params.Set(vcard.ParamType, t)
	}
	return f
}

// clean drops the control characters a value cannot carry; line breaks
// become LF, which go-vcard escapes.
func clean(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\r':
			return '\n'
		case r == '\n':
			return r
		case r < 0x20 || r == 0x7f:
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

// part cleans one component of a structured value, where ";" separates
// components and so cannot appear.
func part(s string) string { return strings.ReplaceAll(clean(s), ";", ",") }

// folder folds the content lines written to it at 75 octets (RFC 2425
// 5.8.1), never inside a UTF-8 sequence. go-vcard writes one whole line,
// ending in CRLF, per Write call.
type folder struct{ w io.Writer }

const lineLimit = 75

func (f folder) Write(p []byte) (int, error) {
	line := p
	var out []byte
	width := lineLimit
	for len(line) > width+2 {
		cut := width
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		out = append(out, line[:cut]...)
		out = append(out, "\r\n "...)
		line = line[cut:]
		width = lineLimit - 1
	}
	out = append(out, line...)
	if _, err := f.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}
