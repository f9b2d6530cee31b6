package drive_test

import (
	"testing"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/connector/connectortest"
	"github.com/orgexport/orgexport/shared/connector/drive"
)

func TestConformance(t *testing.T) {
	env := connectortest.Start(t, synth.Tiny(1))
	connectortest.Run(t, env, func() connector.Connector {
		return drive.New(env.Factory, drive.Options{CheckpointFiles: 3, PageSize: 7})
	}, connectortest.Suite{API: "drive", FailItems: true})
}
