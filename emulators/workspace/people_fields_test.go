package workspace_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	people "google.golang.org/api/people/v1"

	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/conformance"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

// allPersonFields are the person fields a vCard can hold.
const allPersonFields = "names,nicknames,emailAddresses,phoneNumbers,addresses,birthdays,events,urls," +
	"relations,organizations,biographies,photos,memberships"

// The contact with every field serves each of them, in the shapes of the
// discovery document; a mask path People does not know is refused.
func TestPeopleServesEveryFieldOfTheFullContact(t *testing.T) {
	t.Parallel()
	s := start(t, synth.Tiny(2), workspace.Faults{})
	ctx := context.Background()
	user := s.Org().Users()[1].Email
	hc, _ := s.HTTPClient(ctx, user)
	res, err := hc.Get(s.URL() + "/v1/people/me/connections?pageSize=1000&personFields=" + allPersonFields)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("connections: %v %v", err, res)
	}
	var v any
	err = json.NewDecoder(res.Body).Decode(&v)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	d, err := conformance.Load("people")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range d.CheckValue(&conformance.Schema{Ref: "ListConnectionsResponse"}, v, "ListConnectionsResponse") {
		t.Error(e)
	}

	svc, err := people.NewService(ctx, clientOpts(t, s, "people", user)...)
	if err != nil {
		t.Fatal(err)
	}
	list, err := svc.People.Connections.List("people/me").PersonFields(allPersonFields).PageSize(1000).Do()
	if err != nil {
		t.Fatal(err)
	}
	full := s.Org().Contact(1, synth.FullContact).ResourceName
	var p *people.Person
	for _, c := range list.Connections {
		if c.ResourceName == full {
			p = c
		} else if c.Addresses != nil || c.Birthdays != nil || c.Urls != nil {
			t.Errorf("contact %s has fields only the full contact has", c.ResourceName)
		}
	}
	if p == nil {
		t.Fatalf("full contact %s not served", full)
	}
	if len(p.Nicknames) == 0 || len(p.Addresses) != 2 || len(p.Birthdays) != 1 || p.Birthdays[0].Date == nil ||
		len(p.Events) != 2 || len(p.Urls) != 2 || len(p.Relations) != 2 || len(p.Organizations) != 1 ||
		len(p.Biographies) != 1 || len(p.Photos) != 0 && p.Photos[0].Url == "" {
		b, _ := json.Marshal(p)
		t.Errorf("full contact misses a field: %s", b)
	}
	if p.Events[1].Date.Year != 0 {
		t.Errorf("the event without a year has year %d", p.Events[1].Date.Year)
	}
	_, err = svc.People.Connections.List("people/me").PersonFields("names,shoeSize").Do()
	wantAPIError(t, err, 400, "badRequest")
	_, err = svc.OtherContacts.List().ReadMask("names,addresses").Do()
	wantAPIError(t, err, 400, "badRequest")
}
