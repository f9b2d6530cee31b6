package synth

import "fmt"

// FullContact is the contact of every user's list that has every field a
// vCard can hold; the others have names, an email, a phone, groups and
// sometimes a photo.
const FullContact = 1

// Address is a contact's postal address.
type Address struct {
	Type, POBox, Extended, Street, City, Region, PostalCode, Country, CountryCode string
}

// Date is a People API date; a zero Year means a date without a year.
type Date struct{ Year, Month, Day int }

// Dated is an event (anniversary, …) of a contact.
type Dated struct {
	Type string
	Date Date
}

// Labelled is a value with a type: a URL, a nickname, a relation.
type Labelled struct{ Type, Value string }

// Organization is where a contact works.
type Organization struct{ Name, Department, Title string }

// Details are the fields only FullContact has.
type Details struct {
	Nicknames     []Labelled
	Addresses     []Address
	Birthday      Date
	Events        []Dated
	URLs          []Labelled
	Relations     []Labelled // Value is the related person's name
	Organizations []Organization
	Biography     string
}

// ContactDetails returns the further fields of the user's contact n, and
// whether it has them (only FullContact does).
func (g *Org) ContactDetails(user, n int) (Details, bool) {
	if n != FullContact || n >= g.ContactCount(user) {
		return Details{}, false
	}
	p := g.Contact(user, n)
	d := Details{
		Nicknames: []Labelled{{"DEFAULT", "Kim"}},
		Addresses: []Address{
			{Type: "home", Street: fmt.Sprintf("Storgatan %d", user+1), Extended: "Lgh 1102", City: "Uppsala",
				PostalCode: "753 20", Country: "Sweden", CountryCode: "SE"},
			{Type: "work", POBox: "Box 7", Street: "Kungsgatan 1; 3rd floor, east", City: "Stockholm", Region: "Stockholms län",
				PostalCode: "111 43", Country: "Sweden", CountryCode: "SE"},
		},
		Birthday:      Date{Year: 1980 + user%20, Month: 2, Day: 29},
		Events:        []Dated{{"anniversary", Date{2010, 6, 12}}, {"moved in", Date{0, 9, 1}}},
		URLs:          []Labelled{{"homePage", "https://partner.example/~" + p.Family}, {"blog", "https://blog.partner.example/a?b=1&c=2"}},
		Relations:     []Labelled{{"spouse", "Alex " + p.Family}, {"assistant", "Sam Berg"}},
		Organizations: []Organization{{"Partner AB", "Sales, Nordics", "Account manager"}},
		Biography:     "Met at the fair.\nPrefers email; café at 10.",
	}
	if d.Birthday.Year%4 != 0 {
		d.Birthday.Day = 28
	}
	return d, true
}
