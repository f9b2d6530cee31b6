package workspace

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// The OAuth scopes the emulated APIs accept, and what Google answers when
// a token, the project or the organisation does not allow a call:
//
//   - The token endpoint grants a delegation assertion only if every scope
//     it names is authorised for the client id in the organisation's
//     domain-wide delegation (all of apiScopes unless the faults'
//     MissingScopes leave some out); one scope more fails the whole request
//     with 401 unauthorized_client.
//   - An access token carries the scopes it was granted; an API answers 403
//     insufficientPermissions unless the token has one of the API's scopes.
//   - An API not enabled in the project (the faults' DisabledAPIs) answers
//     403 accessNotConfigured (SERVICE_DISABLED) to every call.
//   - Chat without a Chat app configured in the project (the faults'
//     NoChatApp) answers 404 to every call.

// apiScopes are the scopes each API accepts: a token with any one of them
// may call it (the emulator does not tell apart which method needs which).
var apiScopes = map[string][]string{
	"directory": {
		"https://www.googleapis.com/auth/admin.directory.customer.readonly",
		"https://www.googleapis.com/auth/admin.directory.user.readonly",
		"https://www.googleapis.com/auth/admin.directory.group.readonly",
		"https://www.googleapis.com/auth/admin.directory.resource.calendar.readonly",
		"https://www.googleapis.com/auth/admin.directory.rolemanagement.readonly",
	},
	"gmail":    {"https://www.googleapis.com/auth/gmail.readonly"},
	"drive":    {"https://www.googleapis.com/auth/drive.readonly"},
	"calendar": {"https://www.googleapis.com/auth/calendar.readonly"},
	"people": {
		"https://www.googleapis.com/auth/contacts.readonly",
		"https://www.googleapis.com/auth/contacts.other.readonly",
	},
	"tasks":          {"https://www.googleapis.com/auth/tasks.readonly"},
	"keep":           {"https://www.googleapis.com/auth/keep.readonly"},
	"groupssettings": {"https://www.googleapis.com/auth/apps.groups.settings"},
	"chat": {
		"https://www.googleapis.com/auth/chat.spaces.readonly",
		"https://www.googleapis.com/auth/chat.memberships.readonly",
		"https://www.googleapis.com/auth/chat.messages.readonly",
		"https://www.googleapis.com/auth/chat.admin.spaces.readonly",
		"https://www.googleapis.com/auth/chat.admin.memberships.readonly",
	},
	"classroom": {
		"https://www.googleapis.com/auth/classroom.courses.readonly",
		"https://www.googleapis.com/auth/classroom.rosters.readonly",
		"https://www.googleapis.com/auth/classroom.profile.emails",
		"https://www.googleapis.com/auth/classroom.topics.readonly",
		"https://www.googleapis.com/auth/classroom.coursework.students.readonly",
		"https://www.googleapis.com/auth/classroom.coursework.me.readonly",
		"https://www.googleapis.com/auth/classroom.courseworkmaterials.readonly",
		"https://www.googleapis.com/auth/classroom.announcements.readonly",
	},
	"vault":   {"https://www.googleapis.com/auth/ediscovery"},
	"storage": {"https://www.googleapis.com/auth/devstorage.read_only"},
	"reports": {"https://www.googleapis.com/auth/admin.reports.usage.readonly"},
}

// cloudPlatform is the scope of the emulator's own TokenSource helper; a
// token for it, or for the subject grant, may call every API (a test
// convenience: Google's cloud-platform scope reaches no Workspace API).
const cloudPlatform = "https://www.googleapis.com/auth/cloud-platform"

// scopeIndex numbers every known scope: a token carries its scopes as a
// bit set over these.
var scopeIndex = func() map[string]uint {
	idx := map[string]uint{cloudPlatform: 0}
	for _, api := range APIs {
		for _, sc := range apiScopes[api] {
			if _, ok := idx[sc]; !ok {
				idx[sc] = uint(len(idx))
			}
		}
	}
	return idx
}()

// allScopes is the bit set of every known scope.
const allScopes = ^uint64(0)

// APIScopes are the scopes the emulated API accepts ("gmail", …; see
// APIs): a token needs one of them to call it.
func APIScopes(api string) []string { return slices.Clone(apiScopes[api]) }

// Scopes are every scope the emulated APIs accept: what a delegation entry
// authorises unless the faults' MissingScopes leave some out.
func Scopes() []string {
	var out []string
	for _, api := range APIs {
		for _, sc := range apiScopes[api] {
			if !slices.Contains(out, sc) {
				out = append(out, sc)
			}
		}
	}
	return out
}

// scopeBits turns granted scopes into a token's bit set.
func scopeBits(scopes []string) uint64 {
	var b uint64
	for _, sc := range scopes {
		if sc == cloudPlatform {
			return allScopes
		}
		if i, ok := scopeIndex[sc]; ok {
			b |= 1 << i
		}
	}
	return b
}

// unauthorisedScopes are the scopes of a token request the organisation's
// delegation entry does not authorise.
func (s *Server) unauthorisedScopes(requested []string) []string {
	missing := s.faults.get().MissingScopes
	var out []string
	for _, sc := range requested {
		if _, known := scopeIndex[sc]; !known || slices.Contains(missing, sc) {
			out = append(out, sc)
		}
	}
	return out
}

// unauthorizedClient is Google's answer to a delegation request naming a
// scope the client id is not authorised for (HTTP 401).
func unauthorizedClient(w http.ResponseWriter) {
	writeJSONStatus(w, http.StatusUnauthorized, obj{"error": "unauthorized_client",
		"error_description": "Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested."})
}

// projectNumber is the emulated project's number, as Google's messages name it.
const projectNumber = "100000000001"

// apiTitles are the APIs' names in Google's messages and service names.
var apiTitles = map[string][2]string{
	"directory": {"Admin SDK API", "admin.googleapis.com"}, "gmail": {"Gmail API", "gmail.googleapis.com"},
	"drive": {"Google Drive API", "drive.googleapis.com"}, "calendar": {"Google Calendar API", "calendar-json.googleapis.com"},
	"people": {"People API", "people.googleapis.com"}, "tasks": {"Google Tasks API", "tasks.googleapis.com"},
	"keep": {"Google Keep API", "keep.googleapis.com"}, "groupssettings": {"Groups Settings API", "groupssettings.googleapis.com"},
	"chat": {"Google Chat API", "chat.googleapis.com"}, "classroom": {"Google Classroom API", "classroom.googleapis.com"},
	"vault": {"Google Vault API", "vault.googleapis.com"}, "storage": {"Cloud Storage API", "storage.googleapis.com"},
	"reports": {"Admin SDK API", "admin.googleapis.com"},
}

// admit answers a call the token, the project or the organisation does not
// allow, and reports whether it did.
func (s *Server) admit(w http.ResponseWriter, api string, granted uint64) bool {
	f := s.faults.get()
	if slices.Contains(f.DisabledAPIs, api) {
		t := apiTitles[api]
		msg := fmt.Sprintf("%s has not been used in project %s before or it is disabled. Enable it by visiting "+
			"https://console.developers.google.com/apis/api/%s/overview?project=%s then retry. If you enabled this API "+
			"recently, wait a few minutes for the action to propagate to our systems and retry.", t[0], projectNumber, t[1], projectNumber)
		writeGoogleError(w, apiError{403, "accessNotConfigured", msg}, "PERMISSION_DENIED", obj{
			"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "SERVICE_DISABLED", "domain": "googleapis.com",
			"metadata": obj{"service": t[1], "consumer": "projects/" + projectNumber}})
		return true
	}
	if granted&scopeBits(apiScopes[api]) == 0 {
		writeGoogleError(w, apiError{403, "insufficientPermissions", "Request had insufficient authentication scopes."},
			"PERMISSION_DENIED", obj{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
				"reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT", "domain": "googleapis.com"})
		return true
	}
	if api == "chat" && f.NoChatApp {
		writeGoogleError(w, apiError{404, "notFound", "Google Chat app not found. To create a Chat app, you must turn on the Chat API and configure the app in the Google Cloud console."},
			"NOT_FOUND", nil)
		return true
	}
	return false
}

// writeGoogleError is writeProblem with one detail, if any.
func writeGoogleError(w http.ResponseWriter, e apiError, status string, detail obj) {
	var details []obj
	if detail != nil {
		details = []obj{detail}
	}
	writeProblem(w, e, status, details)
}

// requestedScopes splits an assertion's space-separated scope claim.
func requestedScopes(claim string) []string { return strings.Fields(claim) }
