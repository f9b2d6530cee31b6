package zipname

import (
	"strings"
	"testing"
)

func TestSanitize(t *testing.T) {
	long := strings.Repeat("å", 150) // 300 bytes
	tests := []struct{ in, want string }{
		{"report.pdf", "report.pdf"},
		{"Q1/Q2 plan\\draft", "Q1_Q2 plan_draft"},
		{"a\x00b\x1fc\x7fd\u0085e", "a_b_c_d_e"},
		{"bad\xff\xfeutf8", "bad\uFFFDutf8"},
		{".", "_"},
		{"..", "_"},
		{"", "_"},
		{"   ", "_"},
		{"  name. . ", "name"},
		{".profile", ".profile"},
		{"CON", "_CON"},
		{"nul.txt", "_nul.txt"},
		{"Com1 .tar.gz", "_Com1 .tar.gz"},
		{"CONSOLE.txt", "CONSOLE.txt"},
		{"LPT¹", "_LPT¹"},
		{"invoice\u202Efdp.exe", "invoicefdp.exe"},
		{"\u2066x\u2069", "x"},
		{`what? <b>"yes"</b>: a|b*`, `what_ _b__yes___b__ a_b_`},
		{"日本語のファイル.docx", "日本語のファイル.docx"},
		{long + ".jpeg", strings.Repeat("å", 97) + ".jpeg"},
	}
	for _, tt := range tests {
		if got := Sanitize(tt.in); got != tt.want {
			t.Errorf("Sanitize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSanitizeLongKeepsExtensionAndRuneBoundary(t *testing.T) {
	for pad := range 4 {
		in := strings.Repeat("x", pad) + strings.Repeat("€", 100) + ".xlsx" // € is 3 bytes
		got := Sanitize(in)
		if len(got) > MaxSegment || !strings.HasSuffix(got, ".xlsx") {
			t.Errorf("pad %d: got %d bytes %q", pad, len(got), got)
		}
		if !strings.HasPrefix(in, strings.TrimSuffix(got, ".xlsx")) {
			t.Errorf("pad %d: %q is not a prefix of the input", pad, got)
		}
	}
	// An overlong "extension" is treated as part of the name.
	got := Sanitize("a." + strings.Repeat("b", 300))
	if len(got) != MaxSegment || !strings.HasPrefix(got, "a.bbb") {
		t.Errorf("long extension: got %d bytes %q", len(got), got)
	}
}

func TestDedup(t *testing.T) {
	d := NewDedup()
	first := d.Name("Report.pdf", "id-1")
	second := d.Name("report.PDF", "id-2")
	third := d.Name("Report/.pdf", "id-3") // sanitises to "Report_.pdf": distinct
	fourth := d.Name("Report.pdf", "id-4")
	if first != "Report.pdf" || third != "Report_.pdf" {
		t.Errorf("first %q, third %q", first, third)
	}
	if !strings.HasPrefix(second, "report (") || !strings.HasSuffix(second, ").PDF") || len(second) != len("report (123456).PDF") {
		t.Errorf("second = %q", second)
	}
	if second == fourth || Key(second) == Key(fourth) {
		t.Errorf("second and fourth collide: %q %q", second, fourth)
	}
	// The suffix depends on the id alone: another folder, another run, the
	// same name.
	again := NewDedup()
	again.Name("REPORT.pdf", "other")
	if got := again.Name("report.PDF", "id-2"); got != second {
		t.Errorf("second run gave %q, first gave %q", got, second)
	}
}

func TestDedupNaturalSuffixCollision(t *testing.T) {
	d := NewDedup()
	a := d.Name("x.txt", "A")
	b := d.Name("x.txt", "B")
	// An item whose real name equals b's generated name still gets its own.
	c := d.Name(b, "C")
	// The same id twice (a buggy source) still gets distinct names.
	e := d.Name("x.txt", "B")
	f := d.Name("x.txt", "B")
	seen := map[string]bool{}
	for _, n := range []string{a, b, c, e, f} {
		if seen[Key(n)] {
			t.Fatalf("duplicate name %q in %q %q %q %q %q", n, a, b, c, e, f)
		}
		seen[Key(n)] = true
		if err := Valid(n); err != nil {
			t.Error(err)
		}
	}
}

func TestDedupLongNameFits(t *testing.T) {
	d := NewDedup()
	name := strings.Repeat("ü", 120) + ".mp4"
	d.Name(name, "1")
	got := d.Name(name, "2")
	if len(got) > MaxSegment || !strings.HasSuffix(got, ").mp4") || Sanitize(got) != got {
		t.Errorf("got %d bytes %q", len(got), got)
	}
}

func TestKeyFoldsCaseAndNormalisation(t *testing.T) {
	if Key("Straße") != Key("STRASSE") {
		t.Error("ß and SS differ")
	}
	if Key("e\u0301") != Key("\u00e9") {
		t.Error("NFD and NFC differ")
	}
}
