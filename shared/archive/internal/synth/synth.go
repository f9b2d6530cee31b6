// Package synth makes deterministic test content for the archive's
// benchmarks: text that deflates like mail and documents do (to about a
// quarter of its size), and incompressible bytes like photos and video.
package synth

import (
	"math/rand/v2"
	"strings"
)

// words are drawn at random to make text.
var words = strings.Fields(`the a of to and in is for on with that this from by at as be are
was it or we you your our please thanks regards meeting agenda budget quarterly report
invoice attached find review draft update project deadline team customer support export
data account drive calendar mail message subject re fwd hello hi monday tuesday friday
2026 11 28 09 30 https www example com id name value true false null status done`)

// Text returns n bytes of text made from seed.
func Text(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	var b strings.Builder
	b.Grow(n + 16)
	for b.Len() < n {
		b.WriteString(words[r.IntN(len(words))])
		switch r.IntN(14) {
		case 0:
			b.WriteString(".\n")
		case 1:
			b.WriteString(", ")
		default:
			b.WriteByte(' ')
		}
		if r.IntN(25) == 0 { // numbers, ids: the part that does not repeat
			b.WriteString(strings.ToUpper(words[r.IntN(len(words))][:1]))
			for range 6 {
				b.WriteByte("0123456789abcdef"[r.IntN(16)])
			}
			b.WriteByte(' ')
		}
	}
	return []byte(b.String()[:n])
}

// Random returns n incompressible bytes made from seed.
func Random(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 0xface))
	b := make([]byte, n)
	for i := 0; i+8 <= n; i += 8 {
		v := r.Uint64()
		for j := range 8 {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return b
}

// Pool is a large block of content from which many files of different
// content are cut cheaply, so generating them does not dominate a
// benchmark.
type Pool []byte

// File returns the n bytes of file i: a window into the pool whose start
// depends on i.
func (p Pool) File(i, n int) []byte {
	if n > len(p) {
		n = len(p)
	}
	start := (i * 7919) % (len(p) - n + 1)
	return p[start : start+n]
}
