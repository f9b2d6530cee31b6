package directory

import (
	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
)

// Kinds of customer-owned accounts, as connectors expect them in
// connector.Account.Kind.
const (
	KindSharedDrive      = "shared-drive"
	KindCalendarResource = "calendar-resource"
)

// UserAccount is the account a user is exported as: read as the user.
func (r *Reader) UserAccount(u User) connector.Account {
	return connector.Account{Type: export.User, ID: u.Email, Subject: u.Email, Name: u.Name}
}

// GroupAccount is the account a group is exported as, read by the admin.
func (r *Reader) GroupAccount(g Group) connector.Account {
	return connector.Account{Type: export.Group, ID: g.Email, Subject: r.admin, Name: g.Name}
}

// DriveAccount is the customer-owned account of a shared drive.
func (r *Reader) DriveAccount(d SharedDrive) connector.Account {
	return connector.Account{Type: export.Customer, Kind: KindSharedDrive, ID: d.ID, Subject: r.admin, Name: d.Name}
}

// ResourceAccount is the customer-owned account of a calendar resource's
// booking information; its id is the resource's calendar (its email).
func (r *Reader) ResourceAccount(res Resource) connector.Account {
	return connector.Account{Type: export.Customer, Kind: KindCalendarResource, ID: res.Email, Subject: r.admin, Name: res.Name}
}
