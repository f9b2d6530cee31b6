package synth

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash/fnv"
	"io"
	"math/rand/v2"
)

// mix hashes the seed and coordinates into one 64-bit value (splitmix64
// finaliser over each word).
func mix(xs ...uint64) uint64 {
	h := uint64(0x9e3779b97f4a7c15)
	for _, x := range xs {
		h ^= x + 0x9e3779b97f4a7c15 + (h << 6) + (h >> 2)
		h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9
		h = (h ^ (h >> 27)) * 0x94d049bb133111eb
		h ^= h >> 31
	}
	return h
}

func strHash(s string) uint64 {
	f := fnv.New64a()
	_, _ = io.WriteString(f, s)
	return f.Sum64()
}

// rng returns a generator fixed by the seed and the coordinates.
func (g *Org) rng(xs ...uint64) *rand.Rand {
	a := mix(append([]uint64{uint64(g.opt.Seed)}, xs...)...)
	return rand.New(rand.NewPCG(a, mix(a, 1)))
}

func (g *Org) hash(xs ...uint64) uint64 {
	return mix(append([]uint64{uint64(g.opt.Seed)}, xs...)...)
}

// Item kinds, used as the first coordinate of hashes.
const (
	kUser uint64 = iota + 1
	kGroup
	kDrive
	kResource
	kMail
	kFile
	kEvent
	kContact
	kBlob
	kCustomer
)

const blockSize = 64 << 10

// Blob is generated content of a known size: block i is ChaCha8 output keyed
// by the blob's key and i, so any range is computed without the rest.
type Blob struct {
	key  uint64
	Size int64
}

// ReadAt fills p with the blob's bytes at off.
func (b Blob) ReadAt(p []byte, off int64) (int, error) {
	if off >= b.Size {
		return 0, io.EOF
	}
	n := 0
	var block [blockSize]byte
	for n < len(p) && off < b.Size {
		idx := off / blockSize
		b.fill(block[:], idx)
		c := copy(p[n:], block[off%blockSize:min(blockSize, b.Size-idx*blockSize)])
		n += c
		off += int64(c)
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (b Blob) fill(dst []byte, idx int64) {
	var seed [32]byte
	binary.LittleEndian.PutUint64(seed[0:], b.key)
	binary.LittleEndian.PutUint64(seed[8:], uint64(idx))
	binary.LittleEndian.PutUint64(seed[16:], mix(b.key, uint64(idx)))
	c := rand.NewChaCha8(seed)
	_, _ = c.Read(dst)
}

// Reader streams the blob from the start.
func (b Blob) Reader() io.Reader { return io.NewSectionReader(b, 0, b.Size) }

// SHA256 streams the blob through SHA-256 and returns the hex digest.
func (b Blob) SHA256() string {
	h := sha256.New()
	_, _ = io.CopyBuffer(h, b.Reader(), make([]byte, blockSize))
	return hex.EncodeToString(h.Sum(nil))
}

func sum(p []byte) string {
	s := sha256.Sum256(p)
	return hex.EncodeToString(s[:])
}
