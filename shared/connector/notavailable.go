package connector

import (
	"errors"
	"strings"

	"google.golang.org/api/googleapi"
)

// turnedOff are Google's answers when a product is turned off for the
// user in the Admin console (for the user's organisational unit), each
// with what it means for the export and the fix.
var turnedOff = []struct {
	code            int
	reason, message string // message: a part of Google's message that tells it apart
	says            string
}{
	{400, "failedPrecondition", "Mail service not enabled",
		"Gmail is turned off for this user (\"Mail service not enabled\"); turn it on for the user's organisational unit in the Admin console to export their mail"},
	{403, "notACalendarUser", "",
		"Calendar is turned off for this user (\"The user must be signed up for Google Calendar.\"); turn it on for the user's organisational unit in the Admin console to export their calendars"},
	{400, "", "Google Chat is turned off",
		"Google Chat is turned off for this user (\"Google Chat is turned off.\"); turn it on for the user's organisational unit in the Admin console to export their chats"},
}

// NotAvailable reports why a product is not available for the account, when
// err is Google's answer that it is turned off for the user; otherwise "".
// Such a product is not available for the account at all (R7b): it is
// reported once for the product, not as a failure per item, and asking
// again does not help.
func NotAvailable(err error) string {
	var ge *googleapi.Error
	if !errors.As(err, &ge) {
		return ""
	}
	for _, t := range turnedOff {
		if ge.Code != t.code || t.message != "" && !strings.Contains(ge.Message+" "+ge.Body, t.message) {
			continue
		}
		if t.reason == "" || hasReason(ge, t.reason) {
			return t.says
		}
	}
	return ""
}

func hasReason(ge *googleapi.Error, reason string) bool {
	for _, e := range ge.Errors {
		if e.Reason == reason {
			return true
		}
	}
	return strings.Contains(ge.Body, `"`+reason+`"`)
}
