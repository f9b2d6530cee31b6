package synth

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"sync"
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

const (
	blockSize = 64 << 10
	poolSize  = 1 << 20
)

// pool is 1 MiB of ChaCha8 output from a fixed key, made once. A blob's
// block is a window of it, chosen and masked by the blob's key and the
// block's index: as unpredictable as a test needs, at memory speed.
var pool = sync.OnceValue(func() []byte {
	p := make([]byte, poolSize)
	_, _ = rand.NewChaCha8([32]byte{'o', 'r', 'g', 'e', 'x', 'p', 'o', 'r', 't'}).Read(p)
	return p
})

// Blob is generated content of a known size: block i (64 KiB) is computed
// from the blob's key and i alone, so any range costs only its own blocks.
type Blob struct {
	key  uint64
	Size int64
}

// ReadAt fills p with the blob's bytes at off.
func (b Blob) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("blob: negative offset")
	}
	r := b.Reader()
	r.off = off
	n, err := io.ReadFull(r, p)
	if err == io.ErrUnexpectedEOF {
		err = io.EOF
	}
	return n, err
}

// BlobReader reads a blob from an offset; it keeps the current block, so
// reads of any size cost one block generation per 64 KiB.
type BlobReader struct {
	b     Blob
	off   int64
	idx   int64
	block []byte
}

// Reader returns a reader (and seeker) of the blob from the start.
func (b Blob) Reader() *BlobReader { return &BlobReader{b: b, idx: -1} }

// Read implements io.Reader.
func (r *BlobReader) Read(p []byte) (int, error) {
	if r.off >= r.b.Size {
		return 0, io.EOF
	}
	idx := r.off / blockSize
	if idx != r.idx {
		if r.block == nil {
			r.block = make([]byte, blockSize)
		}
		r.b.fill(r.block, idx)
		r.idx = idx
	}
	n := copy(p, r.block[r.off%blockSize:min(blockSize, r.b.Size-idx*blockSize)])
	r.off += int64(n)
	return n, nil
}

// Seek implements io.Seeker.
func (r *BlobReader) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		offset += r.off
	case io.SeekEnd:
		offset += r.b.Size
	}
	if offset < 0 {
		return r.off, errors.New("blob: negative position")
	}
	r.off = offset
	return offset, nil
}

// fill writes block idx into dst (len(dst) ≤ blockSize).
func (b Blob) fill(dst []byte, idx int64) {
	h := mix(b.key, uint64(idx))
	src := pool()[h%(poolSize-blockSize):]
	mask := mix(h, 1)
	i := 0
	for ; i+8 <= len(dst); i += 8 {
		binary.LittleEndian.PutUint64(dst[i:], binary.LittleEndian.Uint64(src[i:])^mask)
	}
	for ; i < len(dst); i++ {
		dst[i] = src[i] ^ byte(mask>>(8*(i%8)))
	}
}

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
