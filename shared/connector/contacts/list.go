package contacts

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"

	"google.golang.org/api/googleapi"
	"google.golang.org/api/people/v1"
)

const (
	// personFields are every person field a vCard can hold.
	personFields = "names,nicknames,emailAddresses,phoneNumbers,addresses,birthdays,events,urls,relations," +
		"organizations,biographies,photos,memberships"
	otherFields = "names,emailAddresses,phoneNumbers,photos"
	myContacts  = "contactGroups/myContacts"
	allGroup    = "allContacts"
	otherGroup  = "otherContacts"
)

// group is one file to write: a contact group, or the other contacts.
type group struct {
	resource, name string
}

// systemNames are the system groups Takeout exports, with their names.
var systemNames = map[string]string{myContacts: "My Contacts", "contactGroups/starred": "Starred"}

// groups lists the files to write: All Contacts, My Contacts, Starred, the
// user's own groups by name, then Other Contacts.
func groups(ctx context.Context, svc *people.Service, pageSize int64) ([]group, error) {
	var own []group
	err := svc.ContactGroups.List().PageSize(pageSize).GroupFields("name,groupType").Context(ctx).
		Pages(ctx, func(page *people.ListContactGroupsResponse) error {
			for _, g := range page.ContactGroups {
				if g.GroupType == "USER_CONTACT_GROUP" {
					own = append(own, group{resource: g.ResourceName, name: g.FormattedName})
					if own[len(own)-1].name == "" {
						own[len(own)-1].name = g.Name
					}
				}
			}
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("list contact groups: %w", err)
	}
	sort.Slice(own, func(i, j int) bool {
		if own[i].name != own[j].name {
			return own[i].name < own[j].name
		}
		return own[i].resource < own[j].resource
	})
	out := []group{{allGroup, "All Contacts"}, {myContacts, systemNames[myContacts]}, {"contactGroups/starred", "Starred"}}
	out = append(out, own...)
	return append(out, group{otherGroup, "Other Contacts"}), nil
}

// connections lists the user's contacts (photo URLs, not photos).
func connections(ctx context.Context, svc *people.Service, pageSize int64) ([]*people.Person, error) {
	var out []*people.Person
	err := svc.People.Connections.List("people/me").PersonFields(personFields).PageSize(pageSize).
		SortOrder("FIRST_NAME_ASCENDING").Context(ctx).
		Pages(ctx, func(page *people.ListConnectionsResponse) error {
			out = append(out, page.Connections...)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("list contacts: %w", err)
	}
	return out, nil
}

// others lists the user's other contacts.
func others(ctx context.Context, svc *people.Service, pageSize int64) ([]*people.Person, error) {
	var out []*people.Person
	err := svc.OtherContacts.List().ReadMask(otherFields).PageSize(pageSize).Context(ctx).
		Pages(ctx, func(page *people.ListOtherContactsResponse) error {
			out = append(out, page.OtherContacts...)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("list other contacts: %w", err)
	}
	return out, nil
}

// memberOf lists the person's contact groups; a contact in none of the
// exported groups counts as one of My Contacts, so it is not lost.
func memberOf(p *people.Person, exported map[string]bool) []string {
	var out []string
	for _, m := range p.Memberships {
		if m.ContactGroupMembership != nil && exported[m.ContactGroupMembership.ContactGroupResourceName] {
			out = append(out, m.ContactGroupMembership.ContactGroupResourceName)
		}
	}
	if len(out) == 0 {
		out = []string{myContacts}
	}
	return out
}

// photoLimit bounds a photo's size.
const photoLimit = 10 << 20

// photo downloads the person's own photo, if there is one, and returns its
// bytes and vCard TYPE.
func photo(ctx context.Context, client *http.Client, p *people.Person) ([]byte, string, error) {
	url := ""
	for _, ph := range p.Photos {
		if !ph.Default && ph.Url != "" {
			url = ph.Url
			break
		}
	}
	if url == "" {
		return nil, "", nil
	}
	var b []byte
	var typ string
	var err error
	for try := 0; try < 3; try++ { // again if the body is cut off in transit
		b, typ, err = download(ctx, client, url)
		var ge *googleapi.Error
		if err == nil || ctx.Err() != nil || errors.As(err, &ge) {
			break
		}
	}
	return b, typ, err
}

func download(ctx context.Context, client *http.Client, url string) ([]byte, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	if err := googleapi.CheckResponse(resp); err != nil {
		return nil, "", err
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, photoLimit))
	typ := strings.ToUpper(strings.TrimPrefix(strings.Split(resp.Header.Get("Content-Type"), ";")[0], "image/"))
	if typ == "" || strings.ContainsAny(typ, ";:,\" ") {
		typ = "JPEG"
	}
	return b, typ, err
}
