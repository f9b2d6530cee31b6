package zipname

import (
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// checkSegment fails t if s is not a safe segment.
func checkSegment(t *testing.T, in, s string) {
	t.Helper()
	switch {
	case !utf8.ValidString(s):
		t.Fatalf("Sanitize(%q) = %q: invalid UTF-8", in, s)
	case s == "" || s == "." || s == "..":
		t.Fatalf("Sanitize(%q) = %q", in, s)
	case len(s) > MaxSegment:
		t.Fatalf("Sanitize(%q) is %d bytes", in, len(s))
	case strings.ContainsAny(s, `/\<>:"|?*`):
		t.Fatalf("Sanitize(%q) = %q: forbidden character", in, s)
	case strings.HasPrefix(s, " ") || strings.HasSuffix(s, " ") || strings.HasSuffix(s, "."):
		t.Fatalf("Sanitize(%q) = %q: leading or trailing space or dot", in, s)
	case reserved(s):
		t.Fatalf("Sanitize(%q) = %q: reserved on Windows", in, s)
	case Sanitize(s) != s:
		t.Fatalf("Sanitize is not idempotent on %q: %q then %q", in, s, Sanitize(s))
	}
	for _, r := range s {
		if unicode.IsControl(r) || isBidiControl(r) {
			t.Fatalf("Sanitize(%q) = %q: contains %U", in, s, r)
		}
	}
	if !filepath.IsLocal(s) {
		t.Fatalf("Sanitize(%q) = %q is not local", in, s)
	}
}

func FuzzSanitize(f *testing.F) {
	for _, s := range []string{"a.txt", "..", "CON.txt", "a\u202Eb", strings.Repeat("é", 200) + ".png"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		checkSegment(t, in, Sanitize(in))
	})
}

func FuzzJoin(f *testing.F) {
	f.Add("Drive", "..", "x")
	f.Add("/", `C:\`, "nul")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		p := Join(a, b, c)
		if err := Valid(p); err != nil {
			t.Fatalf("Join(%q, %q, %q) = %q: %v", a, b, c, p, err)
		}
		segs := strings.Split(p, "/")
		if len(segs) != 3 || segs[0] != Sanitize(a) || segs[1] != Sanitize(b) || segs[2] != Sanitize(c) {
			t.Fatalf("Join(%q, %q, %q) = %q", a, b, c, p)
		}
		if !filepath.IsLocal(p) {
			t.Fatalf("Join(%q, %q, %q) = %q is not local", a, b, c, p)
		}
	})
}

// FuzzValid checks that whatever Valid accepts stays inside the folder.
func FuzzValid(f *testing.F) {
	for _, s := range []string{"a/b", "../x", "a//b", `a\b`, "/x", "a/CON", "Drive/ok.txt"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		if Valid(p) != nil {
			return
		}
		if !filepath.IsLocal(p) || strings.ContainsAny(p, "\\\x00") {
			t.Fatalf("Valid accepted %q", p)
		}
		for seg := range strings.SplitSeq(p, "/") {
			checkSegment(t, seg, seg)
		}
	})
}

// FuzzDedup feeds one folder of names (separated by NUL) and checks that
// every name handed out is safe and no two are equal by Key.
func FuzzDedup(f *testing.F) {
	f.Add("a\x00A\x00a\x00a (x)\x00CON\x00con")
	f.Fuzz(func(t *testing.T, names string) {
		d := NewDedup()
		seen := map[string]string{}
		for i, n := range strings.Split(names, "\x00") {
			got := d.Name(n, strings.Repeat("i", i%3)) // repeated ids too
			checkSegment(t, n, got)
			if prev, ok := seen[Key(got)]; ok {
				t.Fatalf("%q and %q collide", prev, got)
			}
			seen[Key(got)] = got
		}
	})
}
