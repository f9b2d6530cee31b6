package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func render(t *testing.T, in Input) (html, js []byte) {
	t.Helper()
	r, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	var h, j bytes.Buffer
	if err := r.WriteHTML(&h); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteJSON(&j); err != nil {
		t.Fatal(err)
	}
	return h.Bytes(), j.Bytes()
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run go test -update and review the diff", name)
	}
}

func TestGolden(t *testing.T) {
	html, js := render(t, sampleInput())
	golden(t, "report.html.golden", html)
	golden(t, "report.json.golden", js)
}

func TestAccountsWithErrorsSortedAlphabetically(t *testing.T) {
	r, err := Build(sampleInput())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Alice-team@example.com", "bob@example.com", "sam@example.com", "Shared drive #1 ?q=a&b"}
	if got := namesOf(r.withErrors); !slices.Equal(got, want) {
		t.Errorf("accounts with errors = %q, want %q", got, want)
	}
	want = []string{"alice@example.com", "jamboard-owner", "zoe@example.com"}
	if got := namesOf(r.withoutErrors); !slices.Equal(got, want) {
		t.Errorf("accounts without errors = %q, want %q", got, want)
	}
	html, _ := render(t, sampleInput())
	a, b, s := bytes.Index(html, []byte("Alice-team@")), bytes.Index(html, []byte("<h3>bob@example.com<span")), bytes.Index(html, []byte("Shared drive #1 ?q=a&amp;b</span><span"))
	if a < 0 || b < 0 || s < 0 || a > b || b > s {
		t.Errorf("page order wrong: Alice-team at %d, bob at %d, shared drive at %d", a, b, s)
	}
}

func TestOrderDoesNotDependOnInputOrder(t *testing.T) {
	var ids []string
	for _, id := range []string{"b@x", "B@x", "a@x", "É@x", "é@x", "A@x", "z@x"} {
		ids = append(ids, id)
	}
	build := func(order []string) []string {
		var as []Account
		for _, id := range order {
			as = append(as, Account{Type: export.User, ID: id, Errors: []string{"e"}})
		}
		r, err := Build(Input{Accounts: accounts(as...)})
		if err != nil {
			t.Fatal(err)
		}
		return namesOf(r.withErrors)
	}
	first := build(ids)
	slices.Reverse(ids)
	if second := build(ids); !slices.Equal(first, second) {
		t.Errorf("order depends on input: %q vs %q", first, second)
	}
	want := []string{"A@x", "a@x", "B@x", "b@x", "z@x", "É@x", "é@x"}
	if !slices.Equal(first, want) {
		t.Errorf("order = %q, want %q", first, want)
	}
}

func TestEverythingEscaped(t *testing.T) {
	html, _ := render(t, sampleInput())
	for _, raw := range []string{xssName, "<script>alert(2)", "<b>bold</b>"} {
		if bytes.Contains(html, []byte(raw)) {
			t.Errorf("report.html contains unescaped %q", raw)
		}
	}
	if !bytes.Contains(html, []byte("&lt;img src=x onerror=alert(1)&gt;")) {
		t.Error("the failed file's name is not shown as escaped text")
	}
	if bytes.Contains(html, []byte("<script")) {
		t.Error("report.html contains a script element")
	}
}

func TestPartLinksAreRelativeAndEscaped(t *testing.T) {
	html, _ := render(t, sampleInput())
	for _, want := range []string{
		`href="./users/bob@example.com/bob@example.com-002.zip"`,
		`href="./customer/Shared%20drive%20%231%20%3Fq=a&amp;b/Shared%20drive%20%231%20%3Fq=a&amp;b-001.zip"`,
	} {
		if !bytes.Contains(html, []byte(want)) {
			t.Errorf("report.html lacks %s", want)
		}
	}
}

func TestTimesInUTC(t *testing.T) {
	html, js := render(t, sampleInput())
	for _, out := range [][]byte{html, js} {
		if !bytes.Contains(out, []byte("2026-11-03T08:00:05Z")) || bytes.Contains(out, []byte("+01:00")) {
			t.Errorf("start time not shown in UTC:\n%.400s", out)
		}
	}
}

func TestTotals(t *testing.T) {
	r, err := Build(sampleInput())
	if err != nil {
		t.Fatal(err)
	}
	got := r.Totals()
	if got.Accounts != 7 || got.AccountsWithErrors != 4 || got.Exported != 722 || got.Failed != 4 {
		t.Errorf("totals = %+v", got)
	}
	if got.ByType[0].Type != export.User || got.ByType[0].Accounts != 4 || got.ByType[0].AccountsWithErrors != 2 {
		t.Errorf("user totals = %+v", got.ByType[0])
	}
	if len(got.ByProduct) != 4 || got.ByProduct[0].Product != export.Calendar || got.ByProduct[1] != (ProductCount{export.Drive, 77, 3, false}) {
		t.Errorf("product totals = %+v", got.ByProduct)
	}
}

func TestJSONMatchesSchema(t *testing.T) {
	_, js := render(t, sampleInput())
	sch := compileSchema(t)
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if err != nil {
		t.Fatalf("report.json is not JSON: %v", err)
	}
	if err := sch.Validate(doc); err != nil {
		t.Fatalf("report.json does not match the schema: %v", err)
	}
	// The schema must reject a broken document, or the check above proves nothing.
	var m map[string]any
	if err := json.Unmarshal(js, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "version")
	m["accounts_without_errors"].([]any)[0].(map[string]any)["failed"] = 3
	if err := sch.Validate(m); err == nil {
		t.Error("the schema accepts a report without version and with a failed count in the error-free list")
	}
}

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("report.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("report.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func TestJSONCarriesTheSameFailuresAsHTML(t *testing.T) {
	html, js := render(t, sampleInput())
	var doc struct {
		Version  int `json:"version"`
		Accounts []struct {
			ID       string `json:"id"`
			Failures []struct {
				ItemID string `json:"item_id"`
				Path   string `json:"path"`
			} `json:"failures"`
		} `json:"accounts_with_errors"`
	}
	if err := json.Unmarshal(js, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != Version || len(doc.Accounts) != 4 {
		t.Fatalf("version %d, %d accounts with errors", doc.Version, len(doc.Accounts))
	}
	n := 0
	for _, a := range doc.Accounts {
		for _, f := range a.Failures {
			n++
			if !strings.Contains(string(html), f.ItemID) {
				t.Errorf("failure %s of %s is in report.json but not report.html", f.ItemID, a.ID)
			}
		}
	}
	if n != 4 || strings.Count(string(html), `<li><span class="item">`) != 4 {
		t.Errorf("json has %d failures, html %d", n, strings.Count(string(html), `<li><span class="item">`))
	}
}

func TestFailureListErrorStopsTheWrite(t *testing.T) {
	in := Input{Accounts: accounts(Account{Type: export.User, ID: "a@x", Products: []ProductCount{{export.Drive, 0, 2, false}}, Failures: brokenFailures()})}
	r, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := r.WriteHTML(&buf); !errors.Is(err, errBroken) {
		t.Errorf("WriteHTML error = %v, want %v", err, errBroken)
	}
	if err := r.WriteJSON(&buf); !errors.Is(err, errBroken) {
		t.Errorf("WriteJSON error = %v, want %v", err, errBroken)
	}
}

func TestBadPartsRejected(t *testing.T) {
	for _, p := range []string{"", "/abs/a.zip", "users/../../etc/passwd", "users//a.zip", `users\a.zip`, "./a.zip"} {
		in := Input{Accounts: accounts(Account{Type: export.User, ID: "a@x", Parts: []string{p}})}
		if _, err := Build(in); err == nil {
			t.Errorf("part %q accepted", p)
		}
	}
	if _, err := Build(Input{Accounts: accounts(Account{Type: export.User})}); err == nil {
		t.Error("account without id accepted")
	}
}

func TestEmptyExport(t *testing.T) {
	html, js := render(t, Input{Export: Export{Domain: "example.com", State: export.Running}})
	if !bytes.Contains(html, []byte("Accounts with errors (0)")) || !bytes.Contains(html, []byte("not yet")) {
		t.Errorf("empty report reads wrong:\n%s", html)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	if err := compileSchema(t).Validate(doc); err != nil {
		t.Errorf("empty report.json does not match the schema: %v", err)
	}
}

func TestGroupDigits(t *testing.T) {
	for in, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 26000000: "26,000,000", -1234567: "-1,234,567"} {
		if got := groupDigits(in); got != want {
			t.Errorf("groupDigits(%d) = %q, want %q", in, got, want)
		}
	}
	if got := groupDigits(12345); got != "12,345" {
		t.Errorf("groupDigits(int 12345) = %q", got)
	}
}

// Customer-owned accounts are shown by the name people know, beside the
// id that names their folder (report.html and report.json); a name that
// is the id is not repeated.
func TestDisplayNamesBesideIDs(t *testing.T) {
	in := sampleInput()
	more := Account{Type: export.Customer, ID: "room-1@resource.example.com", Name: "room-1@resource.example.com",
		Parts:    []string{"customer/room-1@resource.example.com/room-1@resource.example.com-001.zip"},
		Products: []ProductCount{{export.Calendar, 2, 0, false}}}
	in.Accounts = func(yield func(Account, error) bool) {
		for a, err := range sampleInput().Accounts {
			if !yield(a, err) {
				return
			}
		}
		yield(more, nil)
	}
	html, js := render(t, in)
	for _, want := range []string{
		`<h3>Finance &amp; &lt;Legal&gt; <span class="id">Shared drive #1 ?q=a&amp;b</span><span class="type">`,
		`<td>room-1@resource.example.com</td>`,
		`Chat (Old project)<br><span class="id">AAAAorph4n</span>`,
	} {
		if !bytes.Contains(html, []byte(want)) {
			t.Errorf("report.html lacks %s", want)
		}
	}
	var doc struct {
		Unsupported []map[string]any `json:"unsupported"`
		With        []map[string]any `json:"accounts_with_errors"`
		Without     []map[string]any `json:"accounts_without_errors"`
	}
	if err := json.Unmarshal(js, &doc); err != nil {
		t.Fatal(err)
	}
	names := map[string]any{}
	for _, a := range append(doc.With, doc.Without...) {
		names[a["id"].(string)] = a["name"]
	}
	if names["Shared drive #1 ?q=a&b"] != "Finance & <Legal>" || names["room-1@resource.example.com"] != nil {
		t.Errorf("report.json names %v, want the drive's name and none for the resource", names)
	}
	found := false
	for _, u := range doc.Unsupported {
		found = found || u["account"] == "AAAAorph4n" && u["account_name"] == "Old project"
	}
	if !found {
		t.Errorf("unsupported %v, want the space's id and name", doc.Unsupported)
	}
}

// A suspended account says so beside its id, in report.html and
// report.json, with the reason its products are not available.
func TestSuspendedAccountIsShownSuspended(t *testing.T) {
	r, err := Build(sampleInput())
	if err != nil {
		t.Fatal(err)
	}
	var h, j strings.Builder
	if err := r.WriteHTML(&h); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteJSON(&j); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(h.String(), `sam@example.com<span class="type">User</span> <span class="suspended">suspended</span>`) {
		t.Errorf("report.html does not say sam@example.com is suspended")
	}
	var doc struct {
		Accounts []struct {
			ID        string   `json:"id"`
			Suspended bool     `json:"suspended"`
			Errors    []string `json:"errors"`
		} `json:"accounts_with_errors"`
	}
	if err := json.Unmarshal([]byte(j.String()), &doc); err != nil {
		t.Fatal(err)
	}
	for _, a := range doc.Accounts {
		if a.Suspended != (a.ID == "sam@example.com") {
			t.Errorf("report.json: %s suspended %v", a.ID, a.Suspended)
		}
		if a.Suspended && (len(a.Errors) != 2 || !strings.Contains(a.Errors[0], "not available for a suspended account")) {
			t.Errorf("report.json: suspended %s errors %q", a.ID, a.Errors)
		}
	}
}

// WriteBoth writes the golden files' bytes, reading each account's failed
// items once (an assembly reads them from the bucket), and stops at a
// failure list that breaks.
func TestWriteBothIsOnePassOfBoth(t *testing.T) {
	in := sampleInput()
	reads, lists := 0, 0
	var accts []Account
	for a, err := range in.Accounts {
		if err != nil {
			t.Fatal(err)
		}
		if list := a.Failures; list != nil {
			lists++
			a.Failures = func(yield func(connector.Failure, error) bool) {
				reads++
				list(yield)
			}
		}
		accts = append(accts, a)
	}
	in.Accounts = accounts(accts...)
	r, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	var h, j bytes.Buffer
	if err := r.WriteBoth(&h, &j); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.html.golden", h.Bytes())
	golden(t, "report.json.golden", j.Bytes())
	if reads != lists {
		t.Errorf("failed items read %d times for %d accounts with failed items", reads, lists)
	}
	r, err = Build(Input{Accounts: accounts(Account{Type: export.User, ID: "a@x", Products: []ProductCount{{export.Drive, 0, 2, false}}, Failures: brokenFailures()})})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.WriteBoth(&h, &j); !errors.Is(err, errBroken) {
		t.Errorf("WriteBoth error = %v, want %v", err, errBroken)
	}
}
