package export

// AccountType is one of the four kinds of exported unit (R6).
type AccountType string

// The account types of R6, as they appear in records, reports and paths.
const (
	User           AccountType = "user"
	Group          AccountType = "group"
	Customer       AccountType = "customer"
	ServiceAccount AccountType = "service-account"
)

// AccountTypes lists the types in report order.
var AccountTypes = []AccountType{User, Group, Customer, ServiceAccount}

// Folder is the account type's folder in the archive (R8b).
func (t AccountType) Folder() string {
	switch t {
	case User:
		return "users"
	case Group:
		return "groups"
	case Customer:
		return "customer"
	case ServiceAccount:
		return "service-accounts"
	}
	return "other"
}

// Label is the type's name for people, as the report shows it.
func (t AccountType) Label() string {
	switch t {
	case User:
		return "User"
	case Group:
		return "Group"
	case Customer:
		return "Customer-owned data"
	case ServiceAccount:
		return "Service account"
	}
	return string(t)
}

// Product is a Workspace product of R7, named as in the report.
type Product string

// The products of R7.
const (
	Calendar    Product = "Calendar"
	Chat        Product = "Chat"
	Chrome      Product = "Chrome"
	Classroom   Product = "Classroom"
	CloudSearch Product = "Cloud Search"
	Contacts    Product = "Contacts"
	Drive       Product = "Drive"
	Gmail       Product = "Gmail"
	Groups      Product = "Groups"
	Keep        Product = "Keep"
	Reminders   Product = "Reminders"
	Tasks       Product = "Tasks"
	Vault       Product = "Vault"
	Voice       Product = "Voice"
)

// Products lists every product of R7 in report order.
var Products = []Product{Calendar, Chat, Chrome, Classroom, CloudSearch, Contacts,
	Drive, Gmail, Groups, Keep, Reminders, Tasks, Vault, Voice}

// TakeoutFolder is the product's top folder inside an account's zip (R8b),
// as Google Takeout names it.
func (p Product) TakeoutFolder() string {
	switch p {
	case Gmail:
		return "Mail"
	case Chat:
		return "Google Chat"
	case Chrome:
		return "Chrome"
	case Vault:
		return "Vault"
	case Voice:
		return "Voice"
	}
	return string(p)
}

// State is an export's state. Transitions only move forward (see State.CanMove).
type State string

// Export states, in order.
const (
	OnHold              State = "ON_HOLD"
	Running             State = "RUNNING"
	Assembling          State = "ASSEMBLING"
	Completed           State = "COMPLETED"
	CompletedWithErrors State = "COMPLETED_WITH_ERRORS"
	Cancelled           State = "CANCELLED"
	Expired             State = "EXPIRED"
)

// Active reports whether the state holds the organisation's one-export lock (R2a).
func (s State) Active() bool { return s == OnHold || s == Running || s == Assembling }

// Done reports whether the export has completed (with or without errors).
func (s State) Done() bool { return s == Completed || s == CompletedWithErrors }

// AccountState is the state of one account's export.
type AccountState string

// Account states.
const (
	AccountPending   AccountState = "PENDING"
	AccountRunning   AccountState = "RUNNING"
	AccountDone      AccountState = "DONE"      // exported, maybe with item failures
	AccountFailed    AccountState = "FAILED"    // could not be exported at all
	AccountCancelled AccountState = "CANCELLED" // the export was cancelled
)

// Final reports whether the account needs no more work.
func (s AccountState) Final() bool {
	return s == AccountDone || s == AccountFailed || s == AccountCancelled
}
