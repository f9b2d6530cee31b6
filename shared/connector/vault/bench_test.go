package vault_test

import (
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/connector/connectortest"
	"github.com/orgexport/orgexport/shared/connector/vault"
)

// BenchmarkExport runs the whole Vault cycle against the emulator (in
// process, over loopback HTTP): matter, exports, polling, copying and
// checking every file, reading the items from the metadata, and deleting
// the matter. Each iteration is a new export, so a new matter.
func BenchmarkExport(b *testing.B) {
	opts := synth.Demo(1)
	opts.RetainedPerUser, opts.PostsPerGroup = 40, 60
	env := connectortest.Start(b, opts)
	var a connector.Account
	for _, acc := range env.Accounts() {
		if acc.Kind == vault.Kind {
			a = acc
		}
	}
	n := 0
	c := exportIDs{vault.New(env.Factory, vault.Options{Poll: time.Millisecond}), &n}
	connectortest.Bench(b, c, []connector.Account{a})
}
