package connector_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"google.golang.org/api/googleapi"

	emulator "github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/connector/calendar"
	"github.com/orgexport/orgexport/shared/connector/chat"
	"github.com/orgexport/orgexport/shared/connector/connectortest"
	"github.com/orgexport/orgexport/shared/connector/gmail"
	"github.com/orgexport/orgexport/shared/pacer"
)

// Gmail, Calendar and Chat turned off for a user end their connectors with
// Google's answer, which NotAvailable recognises with the fix: no failure
// per item, and the pacer does not retry it. The other users are exported.
func TestProductsTurnedOffAreNotAvailable(t *testing.T) {
	env := connectortest.Start(t, synth.Tiny(4))
	a, other := env.Accounts()[1], env.Accounts()[2]
	env.SetFaults(t, emulator.Faults{ProductsOff: map[string][]string{a.ID: {"gmail", "calendar", "chat"}}})
	for _, c := range []connector.Connector{
		gmail.New(env.Factory, gmail.Options{}),
		calendar.New(env.Factory, calendar.Options{}),
		chat.New(env.Factory, chat.Options{}),
	} {
		r, err := connectortest.ExportAll(context.Background(), c, a, nil)
		why := connector.NotAvailable(err)
		if !strings.Contains(why, "turned off for this user") || !strings.Contains(why, "Admin console") {
			t.Errorf("%s: err %v, NotAvailable %q; want it turned off with the fix", c.Product(), err, why)
		}
		if pacer.ClassOf(err) == pacer.Retry {
			t.Errorf("%s: %v would be retried", c.Product(), err)
		}
		if len(r.Failures()) != 0 {
			t.Errorf("%s: failures %+v, want none", c.Product(), r.Failures())
		}
		if _, err := connectortest.ExportAll(context.Background(), c, other, nil); err != nil {
			t.Errorf("%s of %s, for whom it is on: %v", c.Product(), other.ID, err)
		}
	}
}

func TestNotAvailableKnowsOnlyTurnedOffProducts(t *testing.T) {
	for _, err := range []error{
		nil, errors.New("Mail service not enabled"),
		&googleapi.Error{Code: 400, Message: "Precondition check failed.", Errors: []googleapi.ErrorItem{{Reason: "failedPrecondition"}}},
		&googleapi.Error{Code: 403, Message: "Forbidden", Errors: []googleapi.ErrorItem{{Reason: "forbidden"}}},
	} {
		if why := connector.NotAvailable(err); why != "" {
			t.Errorf("NotAvailable(%v) = %q, want none", err, why)
		}
	}
}
