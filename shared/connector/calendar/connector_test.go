package calendar_test

import (
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/connector/calendar"
	"github.com/orgexport/orgexport/shared/connector/connectortest"
)

func TestConformance(t *testing.T) {
	env := connectortest.Start(t, synth.Tiny(1))
	connectortest.Run(t, env, func() connector.Connector {
		return calendar.New(env.Factory, calendar.Options{Now: func() time.Time { return synth.DefaultNow }, PageSize: 2})
	}, connectortest.Suite{API: "calendar"})
}
