package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
)

// hostileInput puts s into every text the report shows that comes from the
// organisation or the sources: ids, part names, item ids, paths, reasons,
// account errors, unsupported reasons, the requester.
func hostileInput(s string) Input {
	in := sampleInput()
	in.Export.Domain, in.Export.RequestedBy = "x"+s, s+"@example.com"
	in.Unsupported = []Unsupported{{Product: export.Voice, DataType: s, Reason: s}}
	fl := connector.Failure{Product: export.Drive, ItemID: "i" + s, Path: "Drive/" + s, Reason: s}
	in.Accounts = accounts(
		Account{Type: export.User, ID: "u" + s, Parts: []string{"users/p" + s + "/a-001.zip"},
			Products: []ProductCount{{Product: export.Drive, Exported: 1, Failed: 1}}, Errors: []string{s},
			Failures: failures(fl)},
		Account{Type: export.Group, ID: "g" + s, Parts: []string{"groups/g/g" + s + ".zip"},
			Products: []ProductCount{{Product: export.Groups, Exported: 2}}},
	)
	return in
}

// shape is the report's markup: every tag with its attribute names, and the
// values of attributes that link or load.
func shape(t *testing.T, page []byte) []string {
	var out []string
	z := html.NewTokenizer(bytes.NewReader(page))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return out
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			tok := z.Token()
			s := tt.String() + " " + tok.Data
			for _, a := range tok.Attr {
				s += " " + a.Key
				if strings.HasPrefix(a.Key, "on") {
					t.Fatalf("event handler attribute %s=%q", a.Key, a.Val)
				}
				if a.Key == "href" || a.Key == "src" {
					if !strings.HasPrefix(a.Val, "./") && !strings.HasPrefix(a.Val, "#") && a.Val != "report.json" {
						t.Fatalf("%s=%q leads outside the export", a.Key, a.Val)
					}
				}
			}
			out = append(out, s)
		}
	}
}

// FuzzReportEscaping: whatever the names, the HTML has exactly the markup of
// a report with plain names, links stay inside the export, and report.json
// is valid JSON that holds the names.
func FuzzReportEscaping(f *testing.F) {
	for _, s := range []string{"plain", "<script>alert(1)</script>", `"><img src=x onerror=alert(1)>`, "a\r\nb",
		"../../etc/passwd", "\u202Egnp.exe", "\xff\xfe", "javascript:alert(1)", "</details><details open>", "{{.}}",
		"<!--", "]]>", "&amp;&#x3c;", strings.Repeat("Ω", 300)} {
		f.Add(s)
	}
	plain := renderHTML(f, hostileInput("plain"))
	f.Fuzz(func(t *testing.T, s string) {
		r, err := Build(hostileInput(s))
		if err != nil {
			return // a part name that is not a relative object name is refused
		}
		var page, js bytes.Buffer
		if err := r.WriteHTML(&page); err != nil {
			t.Fatal(err)
		}
		if got, want := strings.Join(shape(t, page.Bytes()), "\n"), strings.Join(shape(t, plain), "\n"); got != want {
			t.Fatalf("name %q changes the report's markup:\n%s\nwant\n%s", s, got, want)
		}
		if err := r.WriteJSON(&js); err != nil {
			t.Fatal(err)
		}
		if !json.Valid(js.Bytes()) {
			t.Fatalf("name %q: report.json is not valid JSON", s)
		}
	})
}

func renderHTML(f *testing.F, in Input) []byte {
	r, err := Build(in)
	if err != nil {
		f.Fatal(err)
	}
	var b bytes.Buffer
	if err := r.WriteHTML(&b); err != nil {
		f.Fatal(err)
	}
	return b.Bytes()
}
