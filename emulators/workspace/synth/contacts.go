package synth

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
)

// ContactGroup is a People API contact group.
type ContactGroup struct {
	ResourceName, Name, Type string
	Members                  int
}

// Person is a contact or an "other contact".
type Person struct {
	ResourceName  string
	Given, Family string
	Email, Phone  string
	Groups        []string
	// Photo is set for contacts with a photo.
	Photo bool
}

// ContactCount is the number of the user's contacts (connections).
func (g *Org) ContactCount(user int) int {
	if !g.HasData() {
		return 0
	}
	return g.opt.ContactsPerUser
}

// OtherContactCount is the number of the user's "other contacts".
func (g *Org) OtherContactCount(user int) int { return g.ContactCount(user) / 2 }

// ContactGroups returns the user's contact groups, system groups first.
func (g *Org) ContactGroups(user int) []ContactGroup {
	n := g.ContactCount(user)
	h := g.hash(kContact, uint64(user))
	return []ContactGroup{
		{"contactGroups/myContacts", "myContacts", "SYSTEM_CONTACT_GROUP", n},
		{"contactGroups/starred", "starred", "SYSTEM_CONTACT_GROUP", (n + 2) / 3},
		{fmt.Sprintf("contactGroups/%x", h&0xffffffff), "Family", "USER_CONTACT_GROUP", (n + 1) / 2},
		{fmt.Sprintf("contactGroups/%x", h>>32), "Work", "USER_CONTACT_GROUP", n / 2},
	}
}

// Contact returns the user's contact n.
func (g *Org) Contact(user, n int) Person {
	r := g.rng(kContact, uint64(user), uint64(n))
	gs := g.ContactGroups(user)
	p := Person{ResourceName: fmt.Sprintf("people/c%d", g.hash(kContact, uint64(user), uint64(n))>>1),
		Given: givenNames[r.IntN(len(givenNames))], Family: familyNames[r.IntN(len(familyNames))],
		Phone:  fmt.Sprintf("+46 70 %03d %02d %02d", r.IntN(1000), r.IntN(100), r.IntN(100)),
		Groups: []string{gs[0].ResourceName, gs[2+n%2].ResourceName}, Photo: n%3 == 0}
	if n%3 == 0 {
		p.Groups = append(p.Groups, gs[1].ResourceName)
	}
	p.Email = fmt.Sprintf("contact%d.%d@partner.example", user, n)
	if g.opt.Hostile && n == 0 {
		p.Given = "<script>alert('contact')</script>"
	}
	return p
}

// OtherContact returns the user's other contact n.
func (g *Org) OtherContact(user, n int) Person {
	return Person{ResourceName: fmt.Sprintf("otherContacts/c%d", g.hash(kContact, 'o', uint64(user), uint64(n))>>1),
		Given: "Correspondent", Family: fmt.Sprint(n), Email: fmt.Sprintf("someone%d@elsewhere.example", n)}
}

// Photo returns a contact's photo as PNG bytes.
func (g *Org) Photo(user, n int) []byte {
	h := g.hash(kContact, 'p', uint64(user), uint64(n))
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	c := color.RGBA{uint8(h), uint8(h >> 8), uint8(h >> 16), 255}
	for y := range 16 {
		for x := range 16 {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}
