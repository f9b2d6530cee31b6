package manifest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Name is the manifest's object name within its folder.
const Name = "manifest.json"

// Entry is one object listed in a manifest.
type Entry struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	MD5    string `json:"md5"`
	CRC32C string `json:"crc32c"`
	SHA256 string `json:"sha256,omitempty"`
}

// Manifest is a parsed manifest.json.
type Manifest struct {
	Version     int     `json:"version"`
	CustomerID  string  `json:"customer_id"`
	ExportID    string  `json:"export_id"`
	GeneratedAt string  `json:"generated_at"`
	Objects     []Entry `json:"objects"`
}

// ErrInvalid is returned for a manifest that cannot be trusted to
// describe an archive: bad JSON, an unknown version, or an unsafe name.
var ErrInvalid = errors.New("invalid manifest")

// maxSize bounds what Read accepts: a manifest lists about 200 bytes per
// object, so 256 MiB is over a million objects.
const maxSize = 256 << 20

// Read parses and checks a manifest.
func Read(r io.Reader) (*Manifest, error) {
	var m Manifest
	dec := json.NewDecoder(io.LimitReader(r, maxSize))
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if m.Version != 1 {
		return nil, fmt.Errorf("%w: version %d (this program reads version 1)", ErrInvalid, m.Version)
	}
	seen := make(map[string]bool, len(m.Objects))
	for _, e := range m.Objects {
		if err := ValidName(e.Name); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
		}
		if seen[e.Name] {
			return nil, fmt.Errorf("%w: %q is listed twice", ErrInvalid, e.Name)
		}
		seen[e.Name] = true
		if e.Size < 0 {
			return nil, fmt.Errorf("%w: %q has size %d", ErrInvalid, e.Name, e.Size)
		}
	}
	return &m, nil
}

// ValidName reports why name cannot be an object's relative name: empty,
// absolute, with "." or ".." segments, empty segments, backslashes or
// control characters. A valid name is also a safe relative file path.
func ValidName(name string) error {
	if name == "" {
		return errors.New("empty object name")
	}
	if strings.ContainsAny(name, "\\:") {
		return fmt.Errorf("object name %q has a backslash or colon", name)
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("object name %q has a control character", name)
		}
	}
	for seg := range strings.SplitSeq(name, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return fmt.Errorf("object name %q is not a clean relative path", name)
		}
	}
	return nil
}

// Bytes totals the sizes of the entries.
func (m *Manifest) Bytes() int64 {
	var n int64
	for _, e := range m.Objects {
		n += e.Size
	}
	return n
}
