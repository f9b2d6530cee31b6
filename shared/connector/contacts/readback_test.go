package contacts_test

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	emulator "github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/connector/connectortest"
	"github.com/orgexport/orgexport/shared/connector/contacts"
	"github.com/orgexport/orgexport/shared/export"
)

// readVCF parses every file with vobject, printing one line per card.
const readVCF = `
import sys, vobject
for path in sys.argv[1:]:
    for card in vobject.readComponents(open(path, encoding='utf-8').read()):
        photo = card.contents.get('photo')
        size = len(photo[0].value) if photo else 0
        print(path.rsplit('/', 1)[-1].rsplit('.', 1)[0], '|', card.fn.value, '|', size, '|', card.uid.value)
`

func TestVobjectReadsEveryCardWithPhotos(t *testing.T) {
	opts := synth.Tiny(5)
	opts.Hostile = true
	env := connectortest.Start(t, opts)
	a := env.Accounts()[0]
	r, err := connectortest.ExportAll(context.Background(), contacts.New(env.Factory, contacts.Options{}), a, nil)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, e := range r.Entries() {
		paths = append(paths, e.Path)
	}
	want := []string{"Contacts/All Contacts/All Contacts.vcf", "Contacts/My Contacts/My Contacts.vcf", "Contacts/Starred/Starred.vcf",
		"Contacts/Family/Family.vcf", "Contacts/Work/Work.vcf", "Contacts/Other Contacts/Other Contacts.vcf"}
	if strings.Join(paths, ",") != strings.Join(want, ",") {
		t.Fatalf("files %q, want %q", paths, want)
	}
	out := connectortest.ReadWithPython(t, readVCF, r.Entries())
	lines := strings.Split(strings.TrimSpace(out), "\n")
	perFile := map[string]int{}
	photos := map[string]bool{}
	for _, l := range lines {
		f := strings.Split(l, " | ")
		perFile[f[0]]++
		if f[2] != "0" {
			photos[f[3]] = true
		}
	}
	truth := env.Truth(a, export.Contacts)
	others := 0
	for _, it := range truth {
		if it.Note == "other contact" {
			others++
		}
	}
	if got := perFile["My_Contacts.vcf"]; got != len(truth)-others {
		t.Errorf("My Contacts holds %d cards, want %d:\n%s", got, len(truth)-others, out)
	}
	if got := perFile["All_Contacts.vcf"]; got != len(truth)-others {
		t.Errorf("All Contacts holds %d cards, want %d", got, len(truth)-others)
	}
	if got := perFile["Other_Contacts.vcf"]; got != others {
		t.Errorf("Other Contacts holds %d cards, want %d", got, others)
	}
	if len(photos) != (opts.ContactsPerUser+2)/3 { // by UID: a contact is in several files
		t.Errorf("%d cards with a photo, want %d:\n%s", len(photos), (opts.ContactsPerUser+2)/3, out)
	}
	if !strings.Contains(out, "<script>alert('contact')</script>") {
		t.Errorf("the hostile name did not survive as text:\n%s", out)
	}
}

// Answers of the People API cut off in transit are fetched again (by the
// pacer): the export is still complete.
func TestAnswersCutOffInTransitAreFetchedAgain(t *testing.T) {
	env := connectortest.Start(t, synth.Tiny(9))
	env.SetFaults(t, emulator.Faults{APIs: map[string]emulator.APIFaults{"people": {Truncate: 0.3}}})
	for _, a := range env.Accounts()[:3] {
		r, err := connectortest.ExportAll(context.Background(), contacts.New(env.Factory, contacts.Options{}), a, nil)
		if err != nil {
			t.Fatal(err)
		}
		connectortest.Check(t, env.Truth(a, export.Contacts), r, a)
	}
	if env.FaultsInjected() < 3 {
		t.Fatalf("only %d answers were cut off", env.FaultsInjected())
	}
}

// readFull prints, with vobject, the properties of the card whose UID is
// argv[1] in the file argv[2], one "NAME|value" line each.
const readFull = `
import sys, vobject
uid, path = sys.argv[1], sys.argv[2]
for card in vobject.readComponents(open(path, encoding='utf-8').read()):
    if card.uid.value != uid:
        continue
    for name, lines in sorted(card.contents.items()):
        for l in lines:
            v = l.value
            if name == 'adr':
                v = ';'.join([v.box, v.extended, v.street, v.city, v.region, v.code, v.country])
            elif name == 'n':
                v = v.family + ';' + v.given
            elif name == 'photo':
                v = len(v)
            elif isinstance(v, list):
                v = ','.join(v)
            label = (l.group + '.') if l.group else ''
            print(name + '|' + label + str(v).replace('\n', '\\n'))
`

// The contact with every field keeps each of them in All Contacts.vcf, as
// vobject reads it: nicknames, both addresses, the birthday, the events,
// URLs and relations with their labels, the organisation, the note.
func TestEveryPersonFieldReachesAllContacts(t *testing.T) {
	env := connectortest.Start(t, synth.Tiny(5))
	a := env.Accounts()[1]
	r, err := connectortest.ExportAll(context.Background(), contacts.New(env.Factory, contacts.Options{}), a, nil)
	if err != nil {
		t.Fatal(err)
	}
	all := r.Entries()[0]
	if all.Path != "Contacts/All Contacts/All Contacts.vcf" {
		t.Fatalf("first file %s, want All Contacts", all.Path)
	}
	full := env.Server.Org().Contact(1, synth.FullContact)
	out := connectortest.ReadWithPython(t, "import sys\nsys.argv = [sys.argv[0], "+
		strconv.Quote(full.ResourceName)+"] + sys.argv[1:]\n"+readFull, []*connectortest.Entry{all})
	for _, want := range []string{
		"nickname|Kim",
		"adr|;Lgh 1102;Storgatan 2;Uppsala;;753 20;Sweden",
		"adr|Box 7;;Kungsgatan 1, 3rd floor, east;Stockholm;Stockholms län;111 43;Sweden",
		"bday|1981-02-28",
		"x-abdate|item1.2010-06-12", "x-ablabel|item1.Anniversary",
		"x-abdate|item2.--09-01", "x-ablabel|item2.Moved in",
		"url|item3.https://partner.example/~" + full.Family, "x-ablabel|item3.HomePage",
		"url|item4.https://blog.partner.example/a?b=1&c=2",
		"x-abrelatednames|item5.Alex " + full.Family, "x-ablabel|item5.Spouse",
		"x-abrelatednames|item6.Sam Berg",
		"org|Partner AB,Sales, Nordics", "title|Account manager",
		"note|Met at the fair.\\nPrefers email; café at 10.",
	} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("vobject did not read %q in the full contact:\n%s", want, out)
		}
	}
}

// failingPhotos answers every photo download with a server error.
type failingPhotos struct{}

func (failingPhotos) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: http.StatusServiceUnavailable, Status: "503 Service Unavailable", Request: r,
		Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(`{"error":{"code":503,"message":"backend"}}`))}, nil
}

// A photo that cannot be downloaded is one failure of its contact, however
// many files the contact is in; the card is written without it.
func TestAPhotoThatFailsIsReportedOnce(t *testing.T) {
	env := connectortest.Start(t, synth.Tiny(5))
	a := env.Accounts()[1]
	c := contacts.New(env.Factory, contacts.Options{PhotoClient: &http.Client{Transport: failingPhotos{}}})
	r, err := connectortest.ExportAll(context.Background(), c, a, nil)
	if err != nil {
		t.Fatal(err)
	}
	per := map[string]int{}
	for _, f := range r.Failures() {
		per[f.ItemID]++
		if !strings.Contains(f.Reason, "without its photo") {
			t.Errorf("reason %q", f.Reason)
		}
	}
	withPhoto := 0
	for n := range env.Server.Org().ContactCount(1) {
		if p := env.Server.Org().Contact(1, n); p.Photo {
			withPhoto++
			if per[p.ResourceName] != 1 {
				t.Errorf("contact %s: %d failures, want 1", p.ResourceName, per[p.ResourceName])
			}
		}
	}
	if withPhoto == 0 || len(per) != withPhoto {
		t.Errorf("failures %v, want one for each of %d contacts with a photo", per, withPhoto)
	}
	if r.Items()[env.Server.Org().Contact(1, 0).ResourceName] != 1 {
		t.Error("the contact whose photo failed is not exported once")
	}
}
