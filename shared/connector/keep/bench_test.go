package keep_test

import (
	"testing"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/connector/connectortest"
	"github.com/orgexport/orgexport/shared/connector/keep"
)

// BenchmarkExport exports users of a Demo organisation from the emulator
// (in process, over loopback HTTP).
func BenchmarkExport(b *testing.B) {
	opts := synth.Demo(1)
	opts.Users, opts.NotesPerUser = 3, 60
	env := connectortest.Start(b, opts)
	c := keep.New(env.Factory, keep.Options{})
	connectortest.Bench(b, c, env.Accounts()[:opts.Users])
}
