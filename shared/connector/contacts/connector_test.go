package contacts_test

import (
	"testing"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/connector/connectortest"
	"github.com/orgexport/orgexport/shared/connector/contacts"
)

func TestConformance(t *testing.T) {
	env := connectortest.Start(t, synth.Tiny(1))
	connectortest.Run(t, env, func() connector.Connector {
		return contacts.New(env.Factory, contacts.Options{PageSize: 2})
	}, connectortest.Suite{API: "people"})
}
