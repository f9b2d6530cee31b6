package workspace

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

// The Admin SDK Reports API's usage reports (customerUsageReports.get,
// userUsageReport.get), served from the synthetic organisation: storage
// used is what synth.Usage counts of the items the emulator serves, so an
// estimate made from the reports can be checked against an export.
//
// As Google's (reference of both methods, and the 400s GAM and peers
// handle in their report commands, GAM's _adjustDate): a date later than
// today is "Start date can not be later than …"; a date of the last two
// days, whose data is still being processed, is 400 "Data for dates later
// than D is not yet available. Please check back later" with D the latest
// date that has data; a date before the organisation existed answers 200
// with a warning DATA_NOT_AVAILABLE ("Sorry, data for date … for
// application "accounts" is not available.") and no report. Sizes are in
// MB of 2^20 bytes, rounded; users created after the date are not in it.
const reportsPrefix = "/admin/reports/v1/usage"

// reportLag is how many days the usage reports trail today.
const reportLag = 2

func (s *Server) reportsRoutes(api func(string, string, http.HandlerFunc)) {
	api("reports", "GET "+reportsPrefix+"/dates/{date}", handle(s.customerUsage))
	api("reports", "GET "+reportsPrefix+"/users/{userKey}/dates/{date}", handle(s.userUsage))
}

// reportDate parses the date and answers what Google answers for one
// without data: an error, or a warnings-only report (ok false).
func (s *Server) reportDate(w http.ResponseWriter, r *http.Request) (time.Time, bool, error) {
	if err := requireAdmin(r); err != nil {
		return time.Time{}, false, err
	}
	d, err := time.Parse(time.DateOnly, r.PathValue("date"))
	if err != nil {
		return time.Time{}, false, badRequest("Invalid value '" + r.PathValue("date") + "'. Values must match the following regular expression: '(\\d){4}-(\\d){2}-(\\d){2}'")
	}
	today := s.now().UTC().Truncate(24 * time.Hour)
	latest := today.AddDate(0, 0, -reportLag)
	switch {
	case d.After(today):
		return d, false, apiError{400, "invalid", "Start date can not be later than " + today.Format(time.DateOnly)}
	case d.After(latest):
		return d, false, apiError{400, "invalid", "Data for dates later than " + latest.Format(time.DateOnly) + " is not yet available. Please check back later"}
	case d.Before(s.org.Customer().Created.UTC().Truncate(24 * time.Hour)):
		reply(w, r, obj{"kind": "admin#reports#usageReports", "etag": etag("usage" + d.String()), "warnings": []obj{{
			"code":    "DATA_NOT_AVAILABLE",
			"message": "Sorry, data for date " + d.Format(time.DateOnly) + " for application \"accounts\" is not available.",
			"data":    []obj{{"key": "application", "value": "accounts"}},
		}}}, "")
		return d, false, nil
	}
	return d, true, nil
}

func mb(n int64) int64 { return (n + 1<<19) >> 20 }

// usageParams keeps the parameters asked for ("app:name,…"; none asked
// means all), as Google ignores the names it does not know.
func usageParams(r *http.Request, all []obj) []obj {
	q := r.URL.Query().Get("parameters")
	if q == "" {
		return all
	}
	want := strings.Split(q, ",")
	var out []obj
	for _, p := range all {
		if slices.Contains(want, p["name"].(string)) {
			out = append(out, p)
		}
	}
	return out
}

func intParam(name string, v int64) obj {
	return obj{"name": name, "intValue": strconv.FormatInt(v, 10)}
}

// inReport are the users the report of day d counts: those created by its end.
func (s *Server) inReport(d time.Time) []synth.User {
	var out []synth.User
	for _, u := range s.org.Users() {
		if u.Created.Before(d.AddDate(0, 0, 1)) {
			out = append(out, u)
		}
	}
	return out
}

func (s *Server) customerUsage(w http.ResponseWriter, r *http.Request) error {
	d, ok, err := s.reportDate(w, r)
	if err != nil || !ok {
		return err
	}
	if c := r.URL.Query().Get("customerId"); c != "" && c != s.org.Customer().ID {
		return apiError{400, "badRequest", "Bad Request"}
	}
	users := s.inReport(d)
	var gmail, drive int64
	for _, u := range users {
		us := s.org.UserUsage(u.Index)
		gmail, drive = gmail+us.GmailBytes, drive+us.DriveBytes
	}
	shared := s.org.SharedDriveBytes()
	c := s.org.Customer()
	params := usageParams(r, []obj{
		intParam("accounts:num_users", int64(len(users))),
		intParam("accounts:used_quota_in_mb", mb(gmail+drive+shared)),
		intParam("accounts:gmail_used_quota_in_mb", mb(gmail)),
		intParam("accounts:drive_used_quota_in_mb", mb(drive+shared)),
		intParam("accounts:total_quota_in_mb", int64(len(users))*30<<10),
	})
	reply(w, r, obj{"kind": "admin#reports#usageReports", "etag": etag("usage" + d.String()), "usageReports": []obj{{
		"kind": "admin#reports#usageReport", "date": d.Format(time.DateOnly), "etag": etag(c.ID + d.String()),
		"entity": obj{"customerId": c.ID, "type": "CUSTOMER"}, "parameters": params,
	}}}, "")
	return nil
}

func (s *Server) userUsage(w http.ResponseWriter, r *http.Request) error {
	d, ok, err := s.reportDate(w, r)
	if err != nil || !ok {
		return err
	}
	users := s.inReport(d)
	if key := r.PathValue("userKey"); key != "all" {
		u, found := s.org.UserByEmail(key)
		if !found {
			for _, x := range users {
				if x.ID == key {
					u, found = x, true
				}
			}
		}
		if !found || !slices.ContainsFunc(users, func(x synth.User) bool { return x.Index == u.Index }) {
			return apiError{400, "badRequest", "Bad Request"}
		}
		users = []synth.User{u}
	}
	size := 1000
	if v := r.URL.Query().Get("maxResults"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return badRequest(fmt.Sprintf("Invalid value '%s'. Values must be within the range: [1, 1000]", v))
		}
		size = n
	}
	start, _ := strconv.Atoi(r.URL.Query().Get("pageToken"))
	start = min(max(start, 0), len(users))
	end := min(start+size, len(users))
	c := s.org.Customer()
	reports := make([]obj, 0, end-start)
	for _, u := range users[start:end] {
		us := s.org.UserUsage(u.Index)
		reports = append(reports, obj{"kind": "admin#reports#usageReport", "date": d.Format(time.DateOnly), "etag": etag(u.ID + d.String()),
			"entity": obj{"customerId": c.ID, "userEmail": u.Email, "profileId": u.ID, "type": "USER"},
			"parameters": usageParams(r, []obj{
				intParam("accounts:used_quota_in_mb", mb(us.Total())),
				intParam("accounts:gmail_used_quota_in_mb", mb(us.GmailBytes)),
				intParam("accounts:drive_used_quota_in_mb", mb(us.DriveBytes)),
				intParam("accounts:total_quota_in_mb", 30<<10),
				intParam("drive:num_owned_items_total", us.DriveItems),
			})})
	}
	out := obj{"kind": "admin#reports#usageReports", "etag": etag("users" + d.String()), "usageReports": reports}
	if end < len(users) {
		out["nextPageToken"] = strconv.Itoa(end)
	}
	reply(w, r, out, "")
	return nil
}
