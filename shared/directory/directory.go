package directory

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	admin "google.golang.org/api/admin/directory/v1"
	"google.golang.org/api/drive/v3"
	"google.golang.org/api/googleapi"
)

// ErrNotFound means the user does not exist in the organisation.
var ErrNotFound = errors.New("not found in the directory")

// Clients makes the API clients that act as a user.
type Clients interface {
	Directory(ctx context.Context, subject string) (*admin.Service, error)
	Drive(ctx context.Context, subject string) (*drive.Service, error)
}

// Reader reads the organisation's directory as one super administrator.
type Reader struct {
	clients Clients
	admin   string
}

// New returns a Reader acting as the super administrator admin.
func New(clients Clients, admin string) *Reader {
	return &Reader{clients: clients, admin: admin}
}

// my_customer is the Directory's alias for the admin's own customer.
const myCustomer = "my_customer"

// Customer is the organisation.
type Customer struct {
	ID      string
	Domain  string
	Created time.Time // customerCreationTime
}

// User is a user account with what R1 and R4 need.
type User struct {
	ID, Email, Name string
	Admin           bool // super administrator (isAdmin)
	Enrolled2SV     bool
	Enforced2SV     bool
	Suspended       bool
	Archived        bool
	Created         time.Time
	OrgUnitPath     string
}

const userFields = "id,primaryEmail,name/fullName,isAdmin,isEnrolledIn2Sv,isEnforcedIn2Sv,suspended,archived,creationTime,orgUnitPath"

func (r *Reader) dir(ctx context.Context) (*admin.Service, error) {
	return r.clients.Directory(ctx, r.admin)
}

// Customer reads the organisation.
func (r *Reader) Customer(ctx context.Context) (Customer, error) {
	svc, err := r.dir(ctx)
	if err != nil {
		return Customer{}, err
	}
	c, err := svc.Customers.Get(myCustomer).Fields("id,customerDomain,customerCreationTime").Context(ctx).Do()
	if err != nil {
		return Customer{}, fmt.Errorf("directory: read customer: %w", err)
	}
	created, err := time.Parse(time.RFC3339, c.CustomerCreationTime)
	if err != nil {
		return Customer{}, fmt.Errorf("directory: customer creation time %q: %w", c.CustomerCreationTime, err)
	}
	return Customer{ID: c.Id, Domain: c.CustomerDomain, Created: created}, nil
}

// User reads one user by email or id.
func (r *Reader) User(ctx context.Context, key string) (User, error) {
	svc, err := r.dir(ctx)
	if err != nil {
		return User{}, err
	}
	u, err := svc.Users.Get(key).Fields(userFields).Context(ctx).Do()
	var ge *googleapi.Error
	if errors.As(err, &ge) && ge.Code == http.StatusNotFound {
		return User{}, fmt.Errorf("directory: user %s: %w", key, ErrNotFound)
	}
	if err != nil {
		return User{}, fmt.Errorf("directory: user %s: %w", key, err)
	}
	return toUser(u), nil
}

func toUser(u *admin.User) User {
	out := User{ID: u.Id, Email: u.PrimaryEmail, Admin: u.IsAdmin, Enrolled2SV: u.IsEnrolledIn2Sv,
		Enforced2SV: u.IsEnforcedIn2Sv, Suspended: u.Suspended, Archived: u.Archived, OrgUnitPath: u.OrgUnitPath}
	if u.Name != nil {
		out.Name = u.Name.FullName
	}
	out.Created, _ = time.Parse(time.RFC3339, u.CreationTime)
	return out
}

// Users reads one page of users (up to 500) from pageToken ("" for the
// first) and returns the next page's token, "" after the last.
func (r *Reader) Users(ctx context.Context, pageToken string) ([]User, string, error) {
	return r.users(ctx, "", pageToken)
}

func (r *Reader) users(ctx context.Context, query, pageToken string) ([]User, string, error) {
	svc, err := r.dir(ctx)
	if err != nil {
		return nil, "", err
	}
	call := svc.Users.List().Customer(myCustomer).MaxResults(500).OrderBy("email").PageToken(pageToken).
		Fields("nextPageToken,users(" + userFields + ")").Context(ctx)
	if query != "" {
		call = call.Query(query)
	}
	page, err := call.Do()
	if err != nil {
		return nil, "", fmt.Errorf("directory: list users: %w", err)
	}
	out := make([]User, 0, len(page.Users))
	for _, u := range page.Users {
		out = append(out, toUser(u))
	}
	return out, page.NextPageToken, nil
}

// SuperAdmins lists every super administrator.
func (r *Reader) SuperAdmins(ctx context.Context) ([]User, error) {
	var all []User
	token := ""
	for {
		us, next, err := r.users(ctx, "isAdmin=true", token)
		if err != nil {
			return nil, err
		}
		all = append(all, us...)
		if token = next; token == "" {
			return all, nil
		}
	}
}

// CountUsers counts users, stopping once the count reaches limit (R1d
// needs to know only whether there are fewer than 1,000); limit ≤ 0
// counts all.
func (r *Reader) CountUsers(ctx context.Context, limit int) (int, error) {
	n, token := 0, ""
	for {
		us, next, err := r.Users(ctx, token)
		if err != nil {
			return n, err
		}
		n += len(us)
		if token = next; token == "" || (limit > 0 && n >= limit) {
			return n, nil
		}
	}
}
