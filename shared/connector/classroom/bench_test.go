package classroom_test

import (
	"testing"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/connector/classroom"
	"github.com/orgexport/orgexport/shared/connector/connectortest"
)

// BenchmarkExport exports users of a Demo organisation from the emulator
// (in process, over loopback HTTP).
func BenchmarkExport(b *testing.B) {
	opts := synth.Demo(1)
	opts.Users, opts.Courses = 6, 12
	env := connectortest.Start(b, opts)
	c := classroom.New(env.Factory)
	connectortest.Bench(b, c, env.Accounts()[:opts.Users])
}
