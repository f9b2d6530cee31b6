package gmail_test

import (
	"testing"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/connector/connectortest"
	"github.com/orgexport/orgexport/shared/connector/gmail"
)

func TestConformance(t *testing.T) {
	env := connectortest.Start(t, synth.Tiny(1))
	connectortest.Run(t, env, func() connector.Connector {
		// Small checkpoints, so a tiny mailbox is cut in several places.
		return gmail.New(env.Factory, gmail.Options{CheckpointBytes: 4 << 10, PageSize: 4})
	}, connectortest.Suite{API: "gmail", FailItems: true})
}
