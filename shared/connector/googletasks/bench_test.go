package googletasks_test

import (
	"testing"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/connector/connectortest"
	"github.com/orgexport/orgexport/shared/connector/googletasks"
)

// BenchmarkExport exports users of a Demo organisation from the emulator
// (in process, over loopback HTTP).
func BenchmarkExport(b *testing.B) {
	opts := synth.Demo(1)
	opts.Users, opts.TasksPerUser = 3, 300
	env := connectortest.Start(b, opts)
	c := googletasks.New(env.Factory, googletasks.Options{})
	connectortest.Bench(b, c, env.Accounts()[:opts.Users])
}
