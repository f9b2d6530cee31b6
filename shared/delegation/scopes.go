package delegation

// Scopes are the OAuth scopes granted to the delegation service account in
// the Admin console (domain-wide delegation). The README's deploy guide lists
// them; a test keeps the two in step. Every connector's scope must be here.
var Scopes = []string{
	"https://www.googleapis.com/auth/admin.directory.customer.readonly",
	"https://www.googleapis.com/auth/admin.directory.user.readonly",
	"https://www.googleapis.com/auth/admin.directory.group.readonly",
	"https://www.googleapis.com/auth/admin.directory.resource.calendar.readonly",
	"https://www.googleapis.com/auth/admin.directory.rolemanagement.readonly",
	"https://www.googleapis.com/auth/gmail.readonly",
	"https://www.googleapis.com/auth/drive.readonly",
	"https://www.googleapis.com/auth/calendar.readonly",
	"https://www.googleapis.com/auth/contacts.readonly",
	"https://www.googleapis.com/auth/contacts.other.readonly",
	"https://www.googleapis.com/auth/tasks.readonly",
	"https://www.googleapis.com/auth/keep.readonly",
	// Groups Settings has no read-only scope.
	"https://www.googleapis.com/auth/apps.groups.settings",
	"https://www.googleapis.com/auth/chat.spaces.readonly",
	"https://www.googleapis.com/auth/chat.memberships.readonly",
	"https://www.googleapis.com/auth/chat.messages.readonly",
	"https://www.googleapis.com/auth/chat.admin.spaces.readonly",
	"https://www.googleapis.com/auth/chat.admin.memberships.readonly",
	"https://www.googleapis.com/auth/classroom.courses.readonly",
	"https://www.googleapis.com/auth/classroom.rosters.readonly",
	"https://www.googleapis.com/auth/classroom.profile.emails",
	"https://www.googleapis.com/auth/classroom.topics.readonly",
	"https://www.googleapis.com/auth/classroom.coursework.students.readonly",
	"https://www.googleapis.com/auth/classroom.coursework.me.readonly",
	"https://www.googleapis.com/auth/classroom.courseworkmaterials.readonly",
	"https://www.googleapis.com/auth/classroom.announcements.readonly",
	// Vault has no read-only scope that creates exports.
	"https://www.googleapis.com/auth/ediscovery",
	// Vault's export files are read from Vault's bucket as the administrator.
	"https://www.googleapis.com/auth/devstorage.read_only",
}
