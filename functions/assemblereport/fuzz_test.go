package assemblereport_test

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/orgexport/orgexport/functions/assemblereport"
	"github.com/orgexport/orgexport/shared/events"
)

// FuzzPushBody feeds AssembleReport's decoding path — the push body or
// CloudEvent, then the export event inside — with hostile bodies. It must
// never panic, and an event it accepts must be a valid export event taken
// from the message that carried it.
func FuzzPushBody(f *testing.F) {
	for _, s := range []string{
		`{"message":{"data":"eyJ0eXBlIjoiYWNjb3VudC5maW5pc2hlZCIsImN1c3RvbWVyX2lkIjoiQzEiLCJleHBvcnRfaWQiOiJFMSJ9","messageId":"1"},"subscription":"s"}`,
		`{"message":{"data":"e30=","messageId":"1"}}`, `{"message":{"data":"!!","messageId":"1"}}`, `{}`, `[]`, "\x00",
		`{"specversion":"1.0","id":"1","source":"s","type":"t","data":{"message":{"data":"e30="}}}`,
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, body string, structured bool) {
		r := httptest.NewRequest("POST", "/", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		if structured {
			r.Header.Set("Content-Type", "application/cloudevents+json")
		}
		ce, err := assemblereport.ToCloudEvent(r)
		if err != nil {
			return
		}
		if ce.ID() == "" {
			t.Fatalf("an event without an id from %q", body)
		}
		var pm assemblereport.PushMessage
		if json.Unmarshal(ce.Data(), &pm) != nil {
			return
		}
		ev, err := events.Decode(pm.Message.Data)
		if err == nil && (ev.Validate() != nil || ev.CustomerID == "" || ev.ExportID == "") {
			t.Fatalf("accepted an invalid event %+v from %q", ev, body)
		}
	})
}
