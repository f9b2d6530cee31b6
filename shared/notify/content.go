package notify

import (
	"bytes"
	"embed"
	htmltemplate "html/template"
	"net/url"
	"strconv"
	"strings"
	texttemplate "text/template"
	"time"
)

//go:embed templates
var templates embed.FS

var (
	htmlBody = htmltemplate.Must(htmltemplate.ParseFS(templates, "templates/email.html.tmpl"))
	textBody = texttemplate.Must(texttemplate.ParseFS(templates, "templates/email.txt.tmpl"))
)

// fact is one labelled value of an email; both parts show the same facts.
type fact struct{ Label, Value string }

// content is what one email says, independent of its format. Every string
// in it is one line (HeaderText); the HTML template escapes it.
type content struct {
	Subject string
	Intro   string
	Facts   []fact
	Links   []fact // label and absolute URL
	Notes   []string
}

// render produces the plain-text and the HTML body.
func (c *content) render() (text, html string, err error) {
	var t, h bytes.Buffer
	if err := textBody.Execute(&t, c); err != nil {
		return "", "", err
	}
	if err := htmlBody.Execute(&h, c); err != nil {
		return "", "", err
	}
	return t.String(), h.String(), nil
}

// line reduces user-controlled text to one safe line, or a dash if empty.
func line(s string) string {
	if s = HeaderText(s); s == "" {
		return "—"
	}
	return s
}

// utc formats a time in UTC, ISO 8601.
func utc(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format(time.RFC3339)
}

// links builds the URLs of emails from the configured bases.
type links struct{ console, archive string }

// status is the export's page in the console.
func (l links) status(exportID string) string {
	return strings.TrimRight(l.console, "/") + "/exports/" + url.PathEscape(exportID)
}

// object is an object or folder under the archive's base URL; prefix is the
// export's root ("customer/export") and name is relative to it.
func (l links) object(prefix, name string) string {
	var segs []string
	for s := range strings.SplitSeq(strings.Trim(prefix, "/"), "/") {
		if s != "" {
			segs = append(segs, url.PathEscape(s))
		}
	}
	return strings.TrimRight(l.archive, "/") + "/" + strings.Join(segs, "/") + "/" + name
}

// hours says a duration in whole hours, as the hold is stated.
func hours(d time.Duration) string {
	h := int(d.Round(time.Hour) / time.Hour)
	if h == 1 {
		return "1 hour"
	}
	return strconv.Itoa(h) + " hours"
}
