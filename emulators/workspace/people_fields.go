package workspace

import (
	"fmt"
	"strings"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

// personFieldPaths are the personFields paths of people.connections.list,
// from the People API's discovery document (people-api.json).
var personFieldPaths = fieldSet("addresses ageRanges biographies birthdays calendarUrls clientData coverPhotos " +
	"emailAddresses events externalIds genders imClients interests locales locations memberships metadata " +
	"miscKeywords names nicknames occupations organizations phoneNumbers photos relations sipAddresses " +
	"skills urls userDefined")

// otherContactPaths are the readMask paths of otherContacts.list for
// READ_SOURCE_TYPE_CONTACT, the default.
var otherContactPaths = fieldSet("emailAddresses metadata names phoneNumbers photos")

func fieldSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, f := range strings.Fields(s) {
		m[f] = true
	}
	return m
}

// checkMask refuses a path the method does not know, as People does.
func checkMask(param string, mask map[string]bool) error {
	valid, method := personFieldPaths, "people.connections/list"
	if param == "readMask" {
		valid, method = otherContactPaths, "otherContacts/list"
	}
	for f := range mask {
		if !valid[f] {
			return apiError{400, "badRequest", fmt.Sprintf("Invalid %s mask path: %q. Valid paths are documented at "+
				"https://developers.google.com/people/api/rest/v1/%s.", param, f, method)}
		}
	}
	return nil
}

// addDetails sets the fields of mask that only synth.FullContact has.
func addDetails(o obj, d synth.Details, src obj, mask map[string]bool) {
	if mask["nicknames"] {
		o["nicknames"] = labelled(d.Nicknames, src, "value", false)
	}
	if mask["addresses"] {
		var as []obj
		for _, a := range d.Addresses {
			as = append(as, obj{"metadata": src, "type": a.Type, "formattedType": title(a.Type), "poBox": a.POBox,
				"extendedAddress": a.Extended, "streetAddress": a.Street, "city": a.City, "region": a.Region,
				"postalCode": a.PostalCode, "country": a.Country, "countryCode": a.CountryCode,
				"formattedValue": strings.Join([]string{a.Street, a.PostalCode + " " + a.City, a.Country}, "\n")})
		}
		o["addresses"] = as
	}
	if mask["birthdays"] {
		o["birthdays"] = []obj{{"metadata": src, "date": dateJSON(d.Birthday)}}
	}
	if mask["events"] {
		var es []obj
		for _, e := range d.Events {
			es = append(es, obj{"metadata": src, "type": e.Type, "formattedType": title(e.Type), "date": dateJSON(e.Date)})
		}
		o["events"] = es
	}
	if mask["urls"] {
		o["urls"] = labelled(d.URLs, src, "value", true)
	}
	if mask["relations"] {
		o["relations"] = labelled(d.Relations, src, "person", true)
	}
	if mask["organizations"] {
		var os []obj
		for _, g := range d.Organizations {
			os = append(os, obj{"metadata": src, "type": "work", "formattedType": "Work", "current": true,
				"name": g.Name, "department": g.Department, "title": g.Title})
		}
		o["organizations"] = os
	}
	if mask["biographies"] && d.Biography != "" {
		o["biographies"] = []obj{{"metadata": src, "value": d.Biography, "contentType": "TEXT_PLAIN"}}
	}
}

func labelled(ls []synth.Labelled, src obj, key string, formatted bool) []obj {
	var out []obj
	for _, l := range ls {
		o := obj{"metadata": src, "type": l.Type, key: l.Value}
		if formatted {
			o["formattedType"] = title(l.Type)
		}
		out = append(out, o)
	}
	return out
}

// dateJSON is a People Date, without the year when it has none.
func dateJSON(d synth.Date) obj {
	o := obj{"month": d.Month, "day": d.Day}
	if d.Year != 0 {
		o["year"] = d.Year
	}
	return o
}

func title(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
