package contacts_test

import (
	"context"
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
	want := []string{"Contacts/My Contacts/My Contacts.vcf", "Contacts/Starred/Starred.vcf",
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
	if got := perFile["Other_Contacts.vcf"]; got != others {
		t.Errorf("Other Contacts holds %d cards, want %d", got, others)
	}
	if len(photos) != (opts.ContactsPerUser+2)/3 {
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
