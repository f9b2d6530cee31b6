package delegation

import "slices"

// apiScopes are the OAuth scopes each API's token asks for: only that
// API's own, so that a scope missing from the Admin console's delegation
// entry fails only the products that need it (Google refuses a token
// request whole when it names one scope the client id is not authorised
// for).
var apiScopes = map[string][]string{
	APIDirectory: {
		"https://www.googleapis.com/auth/admin.directory.customer.readonly",
		"https://www.googleapis.com/auth/admin.directory.user.readonly",
		"https://www.googleapis.com/auth/admin.directory.group.readonly",
		"https://www.googleapis.com/auth/admin.directory.resource.calendar.readonly",
		"https://www.googleapis.com/auth/admin.directory.rolemanagement.readonly",
	},
	APIGmail:    {"https://www.googleapis.com/auth/gmail.readonly"},
	APIDrive:    {"https://www.googleapis.com/auth/drive.readonly"},
	APICalendar: {"https://www.googleapis.com/auth/calendar.readonly"},
	APIPeople: {
		"https://www.googleapis.com/auth/contacts.readonly",
		"https://www.googleapis.com/auth/contacts.other.readonly",
	},
	APITasks: {"https://www.googleapis.com/auth/tasks.readonly"},
	APIKeep:  {"https://www.googleapis.com/auth/keep.readonly"},
	// Groups Settings has no read-only scope.
	APIGroupsSettings: {"https://www.googleapis.com/auth/apps.groups.settings"},
	APIChat: {
		"https://www.googleapis.com/auth/chat.spaces.readonly",
		"https://www.googleapis.com/auth/chat.memberships.readonly",
		"https://www.googleapis.com/auth/chat.messages.readonly",
		"https://www.googleapis.com/auth/chat.admin.spaces.readonly",
		"https://www.googleapis.com/auth/chat.admin.memberships.readonly",
	},
	APIClassroom: {
		"https://www.googleapis.com/auth/classroom.courses.readonly",
		"https://www.googleapis.com/auth/classroom.rosters.readonly",
		"https://www.googleapis.com/auth/classroom.profile.emails",
		"https://www.googleapis.com/auth/classroom.topics.readonly",
		"https://www.googleapis.com/auth/classroom.coursework.students.readonly",
		"https://www.googleapis.com/auth/classroom.coursework.me.readonly",
		"https://www.googleapis.com/auth/classroom.courseworkmaterials.readonly",
		"https://www.googleapis.com/auth/classroom.announcements.readonly",
	},
	// Vault has no read-only scope that creates exports.
	APIVault: {"https://www.googleapis.com/auth/ediscovery"},
	// Vault's export files are read from Vault's bucket as the administrator.
	APIStorage: {"https://www.googleapis.com/auth/devstorage.read_only"},
	// The usage reports the estimate before an export reads.
	APIReports: {"https://www.googleapis.com/auth/admin.reports.usage.readonly"},
}

// APIs are the APIs the Factory makes clients for, in the order of Scopes.
var APIs = []string{APIDirectory, APIGmail, APIDrive, APICalendar, APIPeople, APITasks, APIKeep,
	APIGroupsSettings, APIChat, APIClassroom, APIVault, APIStorage, APIReports}

// ScopesFor are the scopes a token for api asks for.
func ScopesFor(api string) []string { return slices.Clone(apiScopes[api]) }

// Scopes are every scope the delegation service account must be granted
// in the Admin console (domain-wide delegation): the union of every API's,
// in the order of APIs. The deploy guide lists them; a test keeps the two
// in step.
var Scopes = func() []string {
	var out []string
	for _, api := range APIs {
		out = append(out, apiScopes[api]...)
	}
	return out
}()
