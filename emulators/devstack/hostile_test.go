package devstack_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"

	"github.com/orgexport/orgexport/emulators/devstack"
	"github.com/orgexport/orgexport/shared/archive"
	"github.com/orgexport/orgexport/shared/export"
)

// checkSupportAudited: each support action is in the audit log of the
// organisation it touched, with the support principal, and only there.
func checkSupportAudited(ctx context.Context, t *testing.T, m *matrix) {
	for i, o := range m.orgs {
		tok, _ := m.s.AdminToken(o.super)
		a := request(ctx, t, m.s.URLs["StartExport"]+"/audit", "GET", tok, "")
		var log struct {
			Entries []export.AuditEntry `json:"entries"`
		}
		jsonField(t, a.body, &log)
		want, notWant := export.ActionReset, export.ActionOverride
		if i == 1 {
			want, notWant = notWant, want
		}
		found := false
		for _, e := range log.Entries {
			found = found || (e.Action == want && e.Actor == devstack.SupportStaff)
			if e.Action == notWant {
				t.Errorf("%s's audit log holds the other organisation's %s", o.domain, notWant)
			}
		}
		if !found {
			t.Errorf("%s's audit log has no %s by %s: %.500s", o.domain, want, devstack.SupportStaff, a.body)
		}
	}
}

// checkLinks: an export's links lead only under its own organisation's
// folder, and what they lead to mentions nothing of the other.
func checkLinks(ctx context.Context, t *testing.T, m *matrix) {
	for _, o := range m.orgs {
		other := m.other(o)
		tok, _ := m.s.AdminToken(o.super)
		var v struct {
			Links map[string]string `json:"links"`
		}
		jsonField(t, request(ctx, t, m.s.URLs["StartExport"]+"/exports/"+o.exportID, "GET", tok, "").body, &v)
		if len(v.Links) == 0 {
			t.Fatalf("%s: a completed export has no links", o.domain)
		}
		prefix := "http://" + m.s.StorageHost() + "/" + devstack.Bucket + "/" + o.customerID + "/" + o.exportID + "/"
		for name, link := range v.Links {
			if !strings.HasPrefix(link, prefix) || strings.Contains(link, "..") {
				t.Errorf("%s: link %s = %s, not under %s", o.domain, name, link, prefix)
			}
		}
		for _, name := range []string{"manifest", "report_json"} {
			res, err := http.Get(v.Links[name])
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK || !json.Valid(body) {
				t.Errorf("%s: %s: %d, valid JSON %v", o.domain, name, res.StatusCode, json.Valid(body))
			}
			for _, s := range []string{other.customerID, other.exportID, "@" + other.domain} {
				if strings.Contains(string(body), s) {
					t.Errorf("%s's %s mentions %q of the other organisation", o.domain, name, s)
				}
			}
		}
	}
}

// checkHostileArchive: the hostile organisation's zips open with standard
// tools and nothing escapes; every item is there or listed as failed; the
// report holds the hostile names as text only; each mbox has one "From "
// line per message.
func checkHostileArchive(t *testing.T, root string) {
	if checkZips(t, root) == 0 {
		t.Fatal("no zip in the hostile organisation's archive")
	}
	html, err := os.ReadFile(filepath.Join(root, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !utf8.Valid(html) {
		t.Error("report.html is not valid UTF-8")
	}
	if text := inertText(t, html); !strings.Contains(text, "onerror") {
		t.Error("report.html does not show the failed items' hostile names")
	}
	js, err := os.ReadFile(filepath.Join(root, "report.json"))
	if err != nil || !json.Valid(js) {
		t.Errorf("report.json: %v, valid %v", err, json.Valid(js))
	}
	checkMboxes(t, root)
}

// inertText fails t on any script, embedded object or event handler in an
// HTML page, or a link out of the export, and returns the page's text.
func inertText(t *testing.T, page []byte) string {
	var text strings.Builder
	z := html.NewTokenizer(bytes.NewReader(page))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return text.String()
		case html.TextToken:
			text.Write(z.Text())
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			if slices.Contains([]string{"script", "img", "iframe", "object", "embed", "svg", "form"}, tok.Data) {
				t.Errorf("report.html holds a <%s> element", tok.Data)
			}
			for _, a := range tok.Attr {
				outside := (a.Key == "href" || a.Key == "src") && !strings.HasPrefix(a.Val, "./") && !strings.HasPrefix(a.Val, "#")
				if strings.HasPrefix(a.Key, "on") || outside {
					t.Errorf("report.html: <%s %s=%q>", tok.Data, a.Key, a.Val)
				}
			}
		}
	}
}

func checkMboxes(t *testing.T, root string) {
	mboxes := 0
	_ = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(path, ".index.ndjson") {
			return err
		}
		items := map[string]int{}
		readNDJSON(t, path, func(r archive.IndexRecord) {
			if r.Kind == archive.KindItem && strings.HasSuffix(r.Path, ".mbox") {
				items[r.Path]++
			}
		})
		z, err := zip.OpenReader(strings.TrimSuffix(path, ".index.ndjson") + ".zip")
		if err != nil {
			t.Fatal(err)
		}
		defer z.Close()
		for _, f := range z.File {
			if n, ok := items[f.Name]; ok {
				mboxes++
				if got := fromLines(t, f); got != n {
					t.Errorf("%s in %s: %d \"From \" lines for %d messages", f.Name, path, got, n)
				}
			}
		}
		return nil
	})
	if mboxes == 0 {
		t.Error("no mbox checked")
	}
}

func fromLines(t *testing.T, f *zip.File) int {
	r, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	n := 0
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "From ") {
			n++
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", f.Name, err)
	}
	return n
}

// checkHostileEmails: every email parses, its headers are single lines,
// and its HTML holds no live markup.
func checkHostileEmails(t *testing.T, s *devstack.Stack) {
	msgs, err := s.Mail.Messages()
	if err != nil {
		t.Fatalf("an email does not parse: %v", err)
	}
	if len(msgs) == 0 {
		t.Fatal("no email was sent (the sink requires the SMTP password)")
	}
	for _, m := range msgs {
		for k, vs := range m.Header {
			for _, v := range vs {
				if strings.ContainsAny(v, "\r\n") {
					t.Errorf("%s: header %s spans lines: %q", m.File, k, v)
				}
			}
		}
		for _, p := range m.Parts {
			low := strings.ToLower(string(p.Body))
			if strings.Contains(low, "<script") || strings.Contains(low, "onerror=") {
				t.Errorf("%s: part %s holds live markup", m.File, p.ContentType)
			}
		}
	}
}

// checkLogs: no log line of the run holds the SMTP password or a token.
func checkLogs(t *testing.T, s *devstack.Stack, password string) {
	files, _ := filepath.Glob(filepath.Join(s.Dir(), "logs", "*"))
	total := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		total += len(b)
		for _, secret := range []string{password, "ya29.", "eyJhbGciOi"} {
			if strings.Contains(string(b), secret) {
				t.Errorf("%s holds a secret (%.12s…)", f, secret)
			}
		}
	}
	if total == 0 {
		t.Fatal("the run wrote no logs")
	}
	t.Logf("scanned %d log files, %d bytes, for the SMTP password and tokens", len(files), total)
}
