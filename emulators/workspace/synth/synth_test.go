package synth_test

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"mime"
	"net/mail"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

func newOrg(t testing.TB, opt synth.Options) *synth.Org {
	t.Helper()
	g, err := synth.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestSameSeedSameOrganisation(t *testing.T) {
	a, b, c := newOrg(t, synth.Tiny(1)), newOrg(t, synth.Tiny(1)), newOrg(t, synth.Tiny(2))
	if !bytes.Equal(a.Raw(1, 2), b.Raw(1, 2)) || bytes.Equal(a.Raw(1, 2), c.Raw(1, 2)) {
		t.Error("mail bytes do not follow the seed")
	}
	fa, fb, fc := a.File(synth.Owner{Index: 1}, 17), b.File(synth.Owner{Index: 1}, 17), c.File(synth.Owner{Index: 1}, 17)
	if fa.Content.SHA256() != fb.Content.SHA256() || fa.Content.SHA256() == fc.Content.SHA256() {
		t.Error("file bytes do not follow the seed")
	}
	if a.Users()[7%len(a.Users())] != b.Users()[7%len(b.Users())] {
		t.Error("users differ for the same seed")
	}
}

// Any range of a blob equals the same bytes of the whole stream.
func TestBlobRangesMatchTheStream(t *testing.T) {
	f := newOrg(t, synth.Tiny(1)).File(synth.Owner{}, 17)
	whole, _ := io.ReadAll(f.Content.Reader())
	if int64(len(whole)) != f.Size || f.Size != synth.Tiny(1).MaxFileSize {
		t.Fatalf("streamed %d bytes, size %d", len(whole), f.Size)
	}
	for _, off := range []int64{0, 1, 65535, 65536, 100000, f.Size - 7} {
		p := make([]byte, 9)
		n, _ := f.Content.ReadAt(p, off)
		if !bytes.Equal(p[:n], whole[off:min(off+9, f.Size)]) {
			t.Errorf("ReadAt(%d) differs from the stream", off)
		}
	}
}

func TestTinyHasEveryKindOfAccount(t *testing.T) {
	opt := synth.Tiny(1)
	g := newOrg(t, opt)
	var suspended, recent, young, enforced, notEnforced int
	for _, u := range g.Users() {
		age := opt.Now.Sub(u.Created)
		switch {
		case u.Suspended:
			suspended++
		case age < 24*time.Hour:
			recent++
		case age < 30*24*time.Hour:
			young++
		}
		if u.Admin && u.Enforce2SV {
			enforced++
		} else if u.Admin {
			notEnforced++
		}
	}
	if suspended == 0 || recent == 0 || young == 0 || enforced < 2 || notEnforced == 0 {
		t.Errorf("suspended %d, <24h %d, <30d %d, admins with 2SV enforced %d, without %d", suspended, recent, young, enforced, notEnforced)
	}
	if a := g.Users()[0]; a.Email != "admin@example.com" || !a.Admin || !a.Enforce2SV || opt.Now.Sub(a.Created) < 30*24*time.Hour {
		t.Errorf("first user %+v is not the fit super admin", a)
	}
	ownerless := 0
	for _, gr := range g.Groups() {
		if gr.Ownerless() {
			ownerless++
		}
	}
	if ownerless == 0 || len(g.SharedDrives()) == 0 || len(g.Resources()) == 0 {
		t.Error("missing ownerless groups, shared drives or resources")
	}
	excluded := 0
	for _, a := range g.Accounts() {
		if a.ExcludedAt(opt.Now) {
			excluded++
		}
	}
	if excluded != recent {
		t.Errorf("%d accounts excluded at the cut-off, want the %d created in the last 24 hours", excluded, recent)
	}
	if opt.Now.Sub(g.Customer().Created) < 30*24*time.Hour {
		t.Error("customer younger than 30 days by default")
	}
}

func TestOddDriveNames(t *testing.T) {
	g := newOrg(t, synth.Tiny(1))
	var slash, dots, control, long, unicode bool
	for k := range g.FileCount(synth.Owner{Index: 1}) {
		n := g.File(synth.Owner{Index: 1}, k).Name
		slash = slash || strings.Contains(n, "/")
		dots = dots || n == ".."
		control = control || strings.ContainsAny(n, "\x01\x07")
		long = long || len(n) > 255
		unicode = unicode || strings.Contains(n, "履歴書")
	}
	if !slash || !dots || !control || !long || !unicode {
		t.Errorf("slash %v, dots %v, control %v, >255 bytes %v, unicode %v", slash, dots, control, long, unicode)
	}
}

func TestExportsAreValidFiles(t *testing.T) {
	g := newOrg(t, synth.Tiny(1))
	o := synth.Owner{Index: 1}
	for k, want := range map[int]string{10: "word/document.xml", 11: "xl/workbook.xml", 12: "ppt/presentation.xml"} {
		f := g.File(o, k)
		var b bytes.Buffer
		if _, err := g.WriteExport(&b, f, synth.ExportFormats(f.MimeType)[0]); err != nil {
			t.Fatal(err)
		}
		z, err := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
		if err != nil || len(z.File) < 2 || z.File[1].Name != want {
			t.Errorf("%s export: %v", f.Name, err)
		}
	}
	var svg bytes.Buffer
	if _, err := g.WriteExport(&svg, g.File(o, 13), synth.MimeSVG); err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(svg.Bytes(), new(struct{ XMLName xml.Name })); err != nil {
		t.Errorf("svg: %v", err)
	}
	n, err := g.ExportSize(g.File(o, 16), synth.MimeDocx)
	if err != nil || n <= 10<<20 {
		t.Errorf("big Doc exports to %d bytes (%v), want > 10 MiB", n, err)
	}
}

func TestMailParses(t *testing.T) {
	opt := synth.Tiny(1)
	opt.Hostile = true
	g := newOrg(t, opt)
	dec := new(mime.WordDecoder)
	sawNonASCII, sawFromLine, sawLarge := false, false, false
	for j := range g.MessageCount(1) {
		raw := g.Raw(1, j)
		m, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("message %d: %v", j, err)
		}
		subj, _ := dec.DecodeHeader(m.Header.Get("Subject"))
		sawNonASCII = sawNonASCII || strings.Contains(subj, "Malmö")
		sawFromLine = sawFromLine || bytes.Contains(raw, []byte("\r\nFrom "))
		sawLarge = sawLarge || int64(len(raw)) > opt.LargeMessageSize
		if j == 0 && utf8.ValidString(m.Header.Get("Subject")) {
			t.Error("hostile subject is valid UTF-8")
		}
	}
	if !sawNonASCII || !sawFromLine || !sawLarge {
		t.Errorf("non-ASCII %v, From line %v, large %v", sawNonASCII, sawFromLine, sawLarge)
	}
}

func TestMetadataOnlyOrganisation(t *testing.T) {
	opt := synth.Tiny(1)
	opt.Users, opt.MetadataOnly = 1000, true
	g := newOrg(t, opt)
	if len(g.Users()) != 1000 || g.MessageCount(5) != 0 || g.FileCount(synth.Owner{Index: 5}) != 0 {
		t.Error("metadata-only organisation has data")
	}
	if _, ok := g.UserByEmail(g.Users()[999].Email); !ok {
		t.Error("user lookup")
	}
}

func TestLargeIsTenThousandUsersAndOver100GB(t *testing.T) {
	if testing.Short() {
		t.Skip("walks 500,000 files' metadata")
	}
	st := newOrg(t, synth.Large(1)).Stats()
	if st.Users != 10000 || st.Bytes < 100<<30 {
		t.Errorf("Large: %+v", st)
	}
	t.Logf("Large: %d users, %d messages, %d files, %.1f GiB", st.Users, st.Messages, st.Files, float64(st.Bytes)/(1<<30))
}

func TestHostileNames(t *testing.T) {
	opt := synth.Tiny(1)
	opt.Hostile = true
	g := newOrg(t, opt)
	var names []string
	for k := range g.FileCount(synth.Owner{Index: 1}) {
		names = append(names, g.File(synth.Owner{Index: 1}, k).Name)
	}
	names = append(names, g.Groups()[0].Name, g.SharedDrives()[0].Name, g.Resources()[0].Name)
	all := strings.Join(names, "\n")
	for _, want := range []string{"<script>", `"><img`, "\r\n", "../../", "\u202e", strings.Repeat("x", 10000), "\xff"} {
		if !strings.Contains(all, want) {
			t.Errorf("no hostile name containing %q", want)
		}
	}
	if tame := newOrg(t, synth.Tiny(1)); strings.Contains(tame.Groups()[0].Name, "<") {
		t.Error("hostile names without Hostile")
	}
}
