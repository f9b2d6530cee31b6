package synth

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Org is a synthetic organisation. It holds only per-account metadata;
// content is generated on demand. It is safe for concurrent use.
type Org struct {
	opt       Options
	customer  Customer
	users     []User
	byEmail   map[string]int
	byID      map[string]int
	groups    []Group
	drives    []SharedDrive
	resources []Resource
	// usage caches what the usage reports say (usage.go).
	usage *usageCache
}

// Customer is the organisation's Directory customer.
type Customer struct {
	ID      string
	Domain  string
	Created time.Time
}

// User is a user account's Directory metadata.
type User struct {
	Index                 int
	ID, Email             string
	GivenName, FamilyName string
	Admin                 bool
	// DelegatedAdmin holds an admin role that is not super admin (the
	// User Management role: it may read the Directory, nothing more).
	DelegatedAdmin          bool
	Enrolled2SV, Enforce2SV bool
	Suspended, Archived     bool
	Created                 time.Time
	OrgUnitPath             string
}

// FullName is the user's display name.
func (u User) FullName() string { return u.GivenName + " " + u.FamilyName }

// Member is one member of a group.
type Member struct {
	UserIndex int
	Role      string // OWNER, MANAGER or MEMBER
}

// Group is a Directory group.
type Group struct {
	Index       int
	ID, Email   string
	Name        string
	Description string
	Members     []Member
}

// Ownerless reports whether no member is an owner.
func (g Group) Ownerless() bool {
	for _, m := range g.Members {
		if m.Role == "OWNER" {
			return false
		}
	}
	return true
}

// SharedDrive is a shared drive; its members may list its files.
type SharedDrive struct {
	Index   int
	ID      string
	Name    string
	Created time.Time
	// Members are user indexes, the first the drive's organizer (manager),
	// the rest writers. Drive 0 is without the admin (user 0), who is a
	// member of the others; the last (of two or more) has no member left,
	// so nobody can read its files (see Orphaned).
	Members []int
}

// Orphaned reports whether the drive has no member left.
func (d SharedDrive) Orphaned() bool { return len(d.Members) == 0 }

// Resource is a calendar resource (a room).
type Resource struct {
	Index int
	ID    string
	Name  string
	Email string
}

var (
	givenNames  = []string{"Alice", "Bob", "Chiara", "Dmitri", "Eva", "Farid", "Greta", "Hiroshi", "Ines", "Jonas", "Kaja", "Lars", "Maja", "Nils", "Olga", "Pär", "Ronja", "Sven", "Tove", "Ulf"}
	familyNames = []string{"Andersson", "Berg", "Carlsson", "Dahl", "Ek", "Fors", "Gustafsson", "Holm", "Isaksson", "Jansson", "Karlsson", "Lind", "Nyström", "Öberg", "Åström"}
)

// New builds the organisation's metadata tables.
func New(opt Options) (*Org, error) {
	if err := opt.validate(); err != nil {
		return nil, err
	}
	g := &Org{opt: opt, byEmail: make(map[string]int, opt.Users), byID: make(map[string]int, opt.Users), usage: &usageCache{}}
	age := 3 * 365 * 24 * time.Hour
	if opt.YoungCustomer {
		age = 10 * 24 * time.Hour
	}
	g.customer = Customer{ID: fmt.Sprintf("C%08x", uint32(g.hash(kCustomer))), Domain: opt.Domain, Created: opt.Now.Add(-age)}
	g.users = make([]User, opt.Users)
	for i := range g.users {
		u := g.makeUser(i)
		g.users[i] = u
		g.byEmail[u.Email] = i
		g.byID[u.ID] = i
	}
	for i := range opt.Groups {
		g.groups = append(g.groups, g.makeGroup(i))
	}
	for i := range opt.SharedDrives {
		g.drives = append(g.drives, g.makeDrive(i))
	}
	for i := range opt.Resources {
		g.resources = append(g.resources, Resource{Index: i, ID: fmt.Sprintf("res%04d", i),
			Name: fmt.Sprintf("Room %d", i+1), Email: fmt.Sprintf("c_room%04d@resource.calendar.google.com", i)})
	}
	if opt.Hostile && len(g.resources) > 0 {
		g.resources[0].Name = `Room "><img src=x onerror=alert(1)>`
	}
	return g, nil
}

// makeUser fixes the special accounts first (R1 cases), then random ones.
func (g *Org) makeUser(i int) User {
	r := g.rng(kUser, uint64(i))
	now := g.opt.Now
	u := User{Index: i, ID: fmt.Sprintf("1%011d%08d", r.Uint64N(1e11), i),
		GivenName: givenNames[r.IntN(len(givenNames))], FamilyName: familyNames[r.IntN(len(familyNames))],
		Created: now.Add(-time.Duration(40+r.IntN(900)) * 24 * time.Hour), OrgUnitPath: "/",
		Enrolled2SV: r.IntN(2) == 0}
	local := strings.ToLower(fmt.Sprintf("%s.%s%d", ascii(u.GivenName), ascii(u.FamilyName), i))
	switch i {
	case 0: // the first super administrator, fit to export
		local, u.GivenName, u.FamilyName = "admin", "Ada", "Admin"
		u.Admin, u.Enrolled2SV, u.Enforce2SV, u.OrgUnitPath = true, true, true, "/Admins"
		u.Created = now.Add(-400 * 24 * time.Hour)
	case 1: // super administrator without 2SV enforced
		u.Admin, u.Enrolled2SV, u.Enforce2SV = true, true, false
	case 2: // super administrator with 2SV, account younger than 30 days
		u.Admin, u.Enrolled2SV, u.Enforce2SV, u.OrgUnitPath = true, true, true, "/Admins"
		u.Created = now.Add(-10 * 24 * time.Hour)
	case 3:
		u.Suspended = true
	case 4: // created within the last 24 hours
		u.Created = now.Add(-2 * time.Hour)
	default:
		u.Suspended = r.IntN(20) == 0
		u.Archived = !u.Suspended && r.IntN(50) == 0
		if r.IntN(50) == 0 {
			u.Created = now.Add(-time.Duration(r.IntN(23*60)) * time.Minute)
		}
		if u.OrgUnitPath = "/Staff"; r.IntN(3) == 0 {
			u.OrgUnitPath = "/Staff/Sales"
		}
		// The first ordinary user is a delegated (non-super) admin.
		u.DelegatedAdmin = i == 5
	}
	u.Email = local + "@" + g.opt.Domain
	return u
}

func ascii(s string) string {
	return strings.NewReplacer("ä", "a", "å", "a", "ö", "o", "Ö", "O", "Å", "A", "é", "e").Replace(s)
}

func (g *Org) makeGroup(i int) Group {
	r := g.rng(kGroup, uint64(i))
	gr := Group{Index: i, ID: fmt.Sprintf("0%015x", r.Uint64()>>4), Email: fmt.Sprintf("team%d@%s", i, g.opt.Domain),
		Name: fmt.Sprintf("Team %d", i), Description: "Synthetic group"}
	if g.opt.Hostile && i == 0 {
		gr.Name = "<script>alert('group')</script>"
	}
	n := min(g.opt.Users, 2+r.IntN(8))
	seen := map[int]bool{}
	for len(gr.Members) < n {
		u := r.IntN(g.opt.Users)
		if seen[u] {
			continue
		}
		seen[u] = true
		role := "MEMBER"
		if len(gr.Members) == 0 && i%3 != 2 { // every third group is ownerless
			role = "OWNER"
		}
		gr.Members = append(gr.Members, Member{UserIndex: u, Role: role})
	}
	return gr
}

func (g *Org) makeDrive(i int) SharedDrive {
	r := g.rng(kDrive, uint64(i))
	d := SharedDrive{Index: i, ID: fmt.Sprintf("0AD%05dx%06x", i, r.Uint32()&0xffffff),
		Name: fmt.Sprintf("Shared drive %d", i+1), Created: g.opt.Now.Add(-time.Duration(30+r.IntN(500)) * 24 * time.Hour)}
	if i > 0 {
		d.Members = []int{0}
	}
	for range min(3, g.opt.Users-1) {
		if u := 1 + r.IntN(g.opt.Users-1); !slices.Contains(d.Members, u) {
			d.Members = append(d.Members, u)
		}
	}
	if i > 0 && i == g.opt.SharedDrives-1 {
		d.Members = nil // everyone left
	}
	if g.opt.Hostile && i == 0 {
		d.Name = "../../etc/passwd"
	}
	return d
}

// Options returns the options the organisation was made with.
func (g *Org) Options() Options { return g.opt }

// Customer returns the organisation's customer record.
func (g *Org) Customer() Customer { return g.customer }

// Users returns the users, admin first. The slice must not be modified.
func (g *Org) Users() []User { return g.users }

// Groups returns the groups. The slice must not be modified.
func (g *Org) Groups() []Group { return g.groups }

// SharedDrives returns the shared drives. The slice must not be modified.
func (g *Org) SharedDrives() []SharedDrive { return g.drives }

// Resources returns the calendar resources. The slice must not be modified.
func (g *Org) Resources() []Resource { return g.resources }

// UserByEmail finds a user by primary email (case-insensitive).
func (g *Org) UserByEmail(email string) (User, bool) {
	i, ok := g.byEmail[strings.ToLower(email)]
	if !ok {
		return User{}, false
	}
	return g.users[i], true
}

// UserByKey finds a user by email or id, as Directory's userKey.
func (g *Org) UserByKey(key string) (User, bool) {
	if i, ok := g.byID[key]; ok {
		return g.users[i], true
	}
	return g.UserByEmail(key)
}

// HasData reports whether users have mail, files, events and contacts.
func (g *Org) HasData() bool { return !g.opt.MetadataOnly }
