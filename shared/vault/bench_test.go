package vault_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/connector/connectortest"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/vault"
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
	c := &perRun{c: vault.New(env.Factory, vault.Options{Poll: time.Millisecond}), a: a}
	connectortest.Bench(b, c, []connector.Account{a})
}

// perRun gives every iteration its own export id.
type perRun struct {
	c *vault.Connector
	a connector.Account
	n int
}

func (p *perRun) Export(ctx context.Context, a connector.Account, cursor string, e connector.Emitter) error {
	if cursor == "" {
		p.n++
	}
	a.ExportID = fmt.Sprintf("bench-%d", p.n)
	return p.c.Export(ctx, a, cursor, e)
}

func (p *perRun) Product() export.Product          { return p.c.Product() }
func (p *perRun) Handles(a connector.Account) bool { return p.c.Handles(a) }
