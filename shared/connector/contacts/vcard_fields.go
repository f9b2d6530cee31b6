package contacts

import (
	"fmt"
	"strings"

	"github.com/emersion/go-vcard"
	"google.golang.org/api/people/v1"
)

// details adds to c the fields beyond names, email addresses, phone
// numbers and notes: nicknames, addresses, the birthday, events, URLs,
// relations. Fields vCard 3.0 has no property for are written as Google
// Contacts and Apple's Contacts write them: a grouped X-ABDATE,
// X-ABRELATEDNAMES or URL, labelled by X-ABLabel.
func details(c vcard.Card, p *people.Person) {
	for _, n := range p.Nicknames {
		if n.Value != "" {
			c.AddValue(vcard.FieldNickname, clean(n.Value))
		}
	}
	for _, a := range p.Addresses {
		c.AddAddress(&vcard.Address{Field: typed("", a.Type), PostOfficeBox: part(a.PoBox),
			ExtendedAddress: part(a.ExtendedAddress), StreetAddress: part(a.StreetAddress), Locality: part(a.City),
			Region: part(a.Region), PostalCode: part(a.PostalCode), Country: part(a.Country)})
	}
	for _, b := range p.Birthdays {
		if d := date(b.Date); d != "" {
			c.SetValue(vcard.FieldBirthday, d)
			break
		}
		if b.Text != "" {
			c.Set(vcard.FieldBirthday, &vcard.Field{Value: clean(b.Text), Params: vcard.Params{"VALUE": {"text"}}})
			break
		}
	}
	items := 0
	labelled := func(name, value, label string) {
		items++
		group := fmt.Sprintf("item%d", items)
		c.Add(name, &vcard.Field{Value: value, Group: group, Params: vcard.Params{}})
		if label = clean(label); label != "" {
			c.Add("X-ABLabel", &vcard.Field{Value: label, Group: group, Params: vcard.Params{}})
		}
	}
	for _, e := range p.Events {
		if d := date(e.Date); d != "" {
			labelled("X-ABDATE", d, either(e.FormattedType, e.Type))
		}
	}
	for _, u := range p.Urls {
		if u.Value != "" {
			labelled(vcard.FieldURL, clean(u.Value), either(u.FormattedType, u.Type))
		}
	}
	for _, r := range p.Relations {
		if r.Person != "" {
			labelled("X-ABRELATEDNAMES", clean(r.Person), either(r.FormattedType, r.Type))
		}
	}
}

// organization is ORG's value: the name and the department.
func organization(o *people.Organization) string {
	if o.Department == "" {
		return part(o.Name)
	}
	return part(o.Name) + ";" + part(o.Department)
}

// date is a People date as vCard writes it: 2006-01-02, or --01-02
// without a year; "" when it has no month or day.
func date(d *people.Date) string {
	if d == nil || d.Month == 0 || d.Day == 0 {
		return ""
	}
	if d.Year == 0 {
		return fmt.Sprintf("--%02d-%02d", d.Month, d.Day)
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

func either(a, b string) string {
	if strings.TrimSpace(a) != "" {
		return a
	}
	return b
}
