package manifest

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// CRC32C returns the running CRC32C of crc extended by p.
func CRC32C(crc uint32, p []byte) uint32 { return crc32.Update(crc, castagnoli, p) }

// Sum is what Digest computed.
type Sum struct {
	Size   int64
	MD5    string
	CRC32C string
	SHA256 string
}

// Digest is an io.Writer computing size, MD5, CRC32C and SHA-256 at once.
// SHA-256 is skipped unless asked for: it is the slowest of the three.
type Digest struct {
	n      int64
	md5    hash.Hash
	crc    uint32
	sha256 hash.Hash
}

// NewDigest returns an empty Digest; withSHA256 adds SHA-256.
func NewDigest(withSHA256 bool) *Digest {
	d := &Digest{md5: md5.New()}
	if withSHA256 {
		d.sha256 = sha256.New()
	}
	return d
}

// Write implements io.Writer; it never fails.
func (d *Digest) Write(p []byte) (int, error) {
	d.n += int64(len(p))
	d.md5.Write(p)
	d.crc = CRC32C(d.crc, p)
	if d.sha256 != nil {
		d.sha256.Write(p)
	}
	return len(p), nil
}

// Sum returns the checksums of what was written.
func (d *Digest) Sum() Sum {
	s := Sum{Size: d.n, MD5: hex.EncodeToString(d.md5.Sum(nil)), CRC32C: fmt.Sprintf("%08x", d.crc)}
	if d.sha256 != nil {
		s.SHA256 = hex.EncodeToString(d.sha256.Sum(nil))
	}
	return s
}

// Match returns nil if s agrees with e, or an error naming what differs.
// SHA-256 is compared when both have it.
func (s Sum) Match(e Entry) error {
	switch {
	case s.Size != e.Size:
		return fmt.Errorf("%d bytes, the manifest says %d", s.Size, e.Size)
	case e.CRC32C != "" && s.CRC32C != e.CRC32C:
		return fmt.Errorf("CRC32C %s, the manifest says %s", s.CRC32C, e.CRC32C)
	case e.MD5 != "" && s.MD5 != e.MD5:
		return fmt.Errorf("MD5 %s, the manifest says %s", s.MD5, e.MD5)
	case e.SHA256 != "" && s.SHA256 != "" && s.SHA256 != e.SHA256:
		return fmt.Errorf("SHA-256 %s, the manifest says %s", s.SHA256, e.SHA256)
	}
	return nil
}

// File digests everything r yields.
func File(r io.Reader, withSHA256 bool) (Sum, error) {
	d := NewDigest(withSHA256)
	buf := make([]byte, 1<<20)
	// Hide r's WriterTo, if any, so the large buffer is used.
	if _, err := io.CopyBuffer(d, struct{ io.Reader }{r}, buf); err != nil {
		return Sum{}, err
	}
	return d.Sum(), nil
}
