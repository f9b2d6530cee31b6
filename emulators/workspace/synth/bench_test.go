package synth_test

import (
	"io"
	"testing"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

// BenchmarkBlobStream is the rate at which file content is generated.
func BenchmarkBlobStream(b *testing.B) {
	opt := synth.Tiny(1)
	opt.MaxFileSize = 16 << 20
	f := newOrg(b, opt).File(synth.Owner{}, 17)
	buf := make([]byte, 64<<10)
	b.SetBytes(f.Size)
	for b.Loop() {
		_, _ = io.CopyBuffer(io.Discard, f.Content.Reader(), buf)
	}
}

// BenchmarkUserTruth is the cost of one Tiny user's ground truth (it
// generates and hashes every item, the 10.5 MiB Doc export included).
func BenchmarkUserTruth(b *testing.B) {
	g := newOrg(b, synth.Tiny(1))
	email := g.Users()[1].Email
	for b.Loop() {
		for range g.Truth(email) {
		}
	}
}

// BenchmarkNewLarge is the cost of building the 10,000-user organisation.
func BenchmarkNewLarge(b *testing.B) {
	for b.Loop() {
		newOrg(b, synth.Large(1))
	}
}
