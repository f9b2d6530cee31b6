package manifest_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/orgexport/orgexport/shared/manifest"
)

func TestReadRefusesWhatCouldEscapeOrMislead(t *testing.T) {
	ok := `{"version":1,"export_id":"E","objects":[{"name":"users/a@x/a@x-001.zip","size":3,"md5":"","crc32c":"00000000"}]}`
	if m, err := manifest.Read(strings.NewReader(ok)); err != nil || len(m.Objects) != 1 || m.Bytes() != 3 {
		t.Fatalf("a good manifest: %+v, %v", m, err)
	}
	for name, body := range map[string]string{
		"parent":    `{"version":1,"objects":[{"name":"../x","size":1}]}`,
		"absolute":  `{"version":1,"objects":[{"name":"/etc/x","size":1}]}`,
		"backslash": `{"version":1,"objects":[{"name":"a\\..\\x","size":1}]}`,
		"drive":     `{"version":1,"objects":[{"name":"C:/x","size":1}]}`,
		"empty seg": `{"version":1,"objects":[{"name":"a//x","size":1}]}`,
		"control":   `{"version":1,"objects":[{"name":"a\u0000x","size":1}]}`,
		"twice":     `{"version":1,"objects":[{"name":"a","size":1},{"name":"a","size":1}]}`,
		"negative":  `{"version":1,"objects":[{"name":"a","size":-1}]}`,
		"version 2": `{"version":2,"objects":[]}`,
		"not json":  `{"version":1,`,
	} {
		if _, err := manifest.Read(strings.NewReader(body)); !errors.Is(err, manifest.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
}

func TestSumMatch(t *testing.T) {
	s, _ := manifest.File(strings.NewReader("hello"), true)
	e := manifest.Entry{Name: "x", Size: 5, MD5: "5d41402abc4b2a76b9719d911017c592", CRC32C: s.CRC32C, SHA256: "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"}
	if err := s.Match(e); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []manifest.Entry{{Size: 4, CRC32C: e.CRC32C}, {Size: 5, CRC32C: "deadbeef"}, {Size: 5, CRC32C: e.CRC32C, MD5: "00"}, {Size: 5, CRC32C: e.CRC32C, SHA256: "00"}} {
		if s.Match(bad) == nil {
			t.Errorf("%+v matched", bad)
		}
	}
}
