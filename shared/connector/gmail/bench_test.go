package gmail_test

import (
	"testing"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/connector/connectortest"
	"github.com/orgexport/orgexport/shared/connector/gmail"
)

// BenchmarkExport exports users of a Demo organisation from the emulator
// (in process, over loopback HTTP).
func BenchmarkExport(b *testing.B) {
	opts := synth.Demo(1)
	opts.Users = 3
	env := connectortest.Start(b, opts)
	c := gmail.New(env.Factory, gmail.Options{})
	connectortest.Bench(b, c, env.Accounts()[:opts.Users])
}
