package assemblereport_test

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/orgexport/orgexport/functions/assemblereport"
	"github.com/orgexport/orgexport/shared/httpapi"
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
		d, err := assemblereport.Decode(r)
		ev := d.Event
		if err != nil {
			var he *httpapi.Error
			if !errors.As(err, &he) || he.Code != 400 {
				t.Fatalf("a bad delivery %q is not a 400: %v", body, err)
			}
			return
		}
		if ev.Validate() != nil || ev.CustomerID == "" || ev.ExportID == "" || d.ID == "" {
			t.Fatalf("accepted an invalid event %+v from %q", ev, body)
		}
	})
}
