package workspace

import (
	"net/http"
	"strings"
)

// suspendedAnswer is what Google answers a delegated call it refuses for
// a suspended account. Peers quote only the status (GAM-team/got-your-back
// #258: "HttpError 403 when requesting …/messages/…"); the body is the
// usual 403 of each API family.
var suspendedAnswer = apiError{403, "forbidden", "The caller does not have permission"}

// adminAPIs are read as an administrator about the organisation, never as
// the account whose data they hold: suspension of another account does not
// concern them (and a suspended administrator is refused by requireAdmin).
var adminAPIs = map[string]bool{"directory": true, "groupssettings": true, "vault": true, "storage": true}

// suspended answers delegated calls as a suspended user the way Google
// does (see the README, "Suspended users"): Gmail lists the messages but
// refuses each one; Drive lists the user's own files but refuses their
// content and shows no shared drive; every other API refuses every call.
func (s *Server) suspended(api string, h http.Handler) http.Handler {
	if adminAPIs[api] {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !subject(r).Suspended || suspendedAllows(api, r) {
			h.ServeHTTP(w, r)
			return
		}
		if api == "drive" && sharedDriveCall(r) {
			writeError(w, notFound("Shared drive not found: "+r.URL.Query().Get("driveId")))
			return
		}
		writeError(w, suspendedAnswer)
	})
}

// suspendedAllows reports whether a suspended user's call succeeds.
func suspendedAllows(api string, r *http.Request) bool {
	p := r.URL.Path
	switch api {
	case "gmail":
		// messages.list and labels.list; not messages.get.
		return strings.HasSuffix(p, "/messages") || strings.HasSuffix(p, "/labels")
	case "drive":
		q := r.URL.Query()
		switch {
		case sharedDriveCall(r):
			return false
		case p == "/drive/v3/drives":
			return true // answered with no drive, below the gate: see listDrives
		case p == "/drive/v3/files":
			return true
		case strings.HasPrefix(p, "/drive/v3/files/") && !strings.HasSuffix(p, "/export") &&
			!strings.HasSuffix(p, "/permissions"):
			return q.Get("alt") != "media" // metadata, not content
		}
		return false
	}
	return false
}

// sharedDriveCall is a Drive call about a shared drive's files.
func sharedDriveCall(r *http.Request) bool {
	q := r.URL.Query()
	return q.Get("driveId") != "" || q.Get("corpora") == "drive" || q.Get("corpora") == "allDrives"
}
