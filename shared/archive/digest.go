package archive

import (
	"crypto/md5"
	"crypto/sha256"
	"hash"
	"hash/crc32"
	"io"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// digester passes bytes to the sink and computes the part's size and
// checksums on the way: SHA-256 for manifest.json, MD5 and CRC32C as Cloud
// Storage reports them, so an upload can be checked against its object.
type digester struct {
	w      io.Writer
	n      int64
	sha256 hash.Hash
	md5    hash.Hash
	crc32c uint32
}

func newDigester(w io.Writer) *digester {
	return &digester{w: w, sha256: sha256.New(), md5: md5.New()}
}

func (d *digester) Write(p []byte) (int, error) {
	n, err := d.w.Write(p)
	d.sha256.Write(p[:n])
	d.md5.Write(p[:n])
	d.crc32c = crc32.Update(d.crc32c, castagnoli, p[:n])
	d.n += int64(n)
	return n, err
}
