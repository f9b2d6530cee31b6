package archive

import (
	"bytes"
	"testing"

	"github.com/orgexport/orgexport/shared/connector"
)

// An entry's note reaches its record in the item index.
func TestEntryNoteIsInTheIndex(t *testing.T) {
	var buf bytes.Buffer
	p := newPart(t, &buf, Options{})
	create(t, p, connector.Entry{Path: "Drive/tool.exe", ItemID: "F1", Note: "downloaded with acknowledgeAbuse=true"}, "MZ")
	create(t, p, connector.Entry{Path: "Drive/b.txt", ItemID: "F2"}, "b")
	if _, err := p.Close(); err != nil {
		t.Fatal(err)
	}
	idx := p.Index()
	if len(idx) != 2 || idx[0].ItemID != "F1" || idx[0].Note != "downloaded with acknowledgeAbuse=true" || idx[1].Note != "" {
		t.Errorf("index %+v", idx)
	}
}
