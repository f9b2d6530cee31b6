package devstack_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/devstack"
)

// unknownID has the shape of an export id but names no export.
const unknownID = "20260101-aaaaaaaaaaaaaaaa"

type role struct {
	name string
	kind string  // super, user, delegated, support, service, none
	org  *tenant // nil for roles outside every organisation
}

type endpoint struct {
	name, fn, method string
	path             func(own, foreign *tenant) string
	body             func(own, foreign *tenant) string
}

func fixed(s string) func(own, foreign *tenant) string { return func(_, _ *tenant) string { return s } }

var endpoints = []endpoint{
	{"start", "StartExport", "POST", fixed("/exports"), fixed("{}")},
	{"list", "StartExport", "GET", fixed("/exports"), fixed("")},
	{"get own", "StartExport", "GET", func(o, _ *tenant) string { return "/exports/" + o.exportID }, fixed("")},
	{"get foreign", "StartExport", "GET", func(_, f *tenant) string { return "/exports/" + f.exportID }, fixed("")},
	{"get unknown", "StartExport", "GET", fixed("/exports/" + unknownID), fixed("")},
	{"cancel own", "StartExport", "POST", func(o, _ *tenant) string { return "/exports/" + o.exportID + ":cancel" }, fixed("{}")},
	{"cancel foreign", "StartExport", "POST", func(_, f *tenant) string { return "/exports/" + f.exportID + ":cancel" }, fixed("{}")},
	{"cancel unknown", "StartExport", "POST", fixed("/exports/" + unknownID + ":cancel"), fixed("{}")},
	{"retry foreign", "StartExport", "POST", func(_, f *tenant) string { return "/exports/" + f.exportID + ":retryFailed" }, fixed("{}")},
	{"retry unknown", "StartExport", "POST", fixed("/exports/" + unknownID + ":retryFailed"), fixed("{}")},
	{"audit", "StartExport", "GET", fixed("/audit"), fixed("")},
	{"reset own", "Support", "POST", func(o, _ *tenant) string { return "/organisations/" + o.customerID + ":resetCooldown" },
		fixed(`{"ticket":"T-1"}`)},
	{"override foreign", "Support", "POST", func(_, f *tenant) string { return "/organisations/" + f.customerID + ":override" },
		fixed(`{"ticket":"T-2","until":"` + time.Now().Add(48*time.Hour).UTC().Format(time.RFC3339) + `"}`)},
	{"begin", "BeginExport", "POST", fixed(""),
		func(o, _ *tenant) string {
			return `{"customer_id":"` + o.customerID + `","export_id":"` + o.exportID + `"}`
		}},
	{"account", "ExportAccount", "POST", fixed(""), fixed(`{}`)},
	{"assemble", "AssembleReport", "POST", fixed(""), fixed(`{"message":{"data":"e30="},"subscription":"x"}`)},
	{"housekeeping", "Housekeeping", "POST", fixed(""), fixed("{}")},
}

// expect is the answer each role gets from each endpoint.
func expect(kind string, e endpoint) int {
	switch {
	case kind == "none" && (e.fn == "StartExport" || e.fn == "Support"):
		return http.StatusUnauthorized
	case kind == "none":
		return http.StatusForbidden // Cloud Run's front door: no token for a service that requires IAM
	case e.fn == "StartExport" && kind == "super":
		switch e.name {
		case "start", "cancel own": // the export completed: cool-down, not cancellable
			return http.StatusConflict
		case "get foreign", "get unknown", "cancel foreign", "cancel unknown", "retry foreign", "retry unknown":
			return http.StatusNotFound
		}
		return http.StatusOK
	case e.fn == "StartExport" || e.fn == "Support":
		switch kind {
		case "service":
			return http.StatusUnauthorized // another issuer's token
		case "support":
			if e.fn == "Support" {
				return http.StatusOK
			}
		}
		return http.StatusForbidden
	case kind == "service" && (e.fn == "AssembleReport" || e.fn == "Housekeeping"):
		return http.StatusForbidden // a valid token of another service account
	}
	return http.StatusUnauthorized // admins' and support's tokens are not service tokens
}

type matrix struct {
	s    *devstack.Stack
	orgs []*tenant
}

func (m *matrix) roles() []role {
	var out []role
	for _, o := range m.orgs {
		out = append(out, role{"super admin of " + o.domain, "super", o}, role{"user of " + o.domain, "user", o},
			role{"delegated admin of " + o.domain, "delegated", o})
	}
	return append(out, role{"support", "support", nil}, role{"service account", "service", nil}, role{"no token", "none", nil})
}

// token is the role's token for a function.
func (m *matrix) token(t *testing.T, r role, fn string) string {
	var tok string
	var err error
	switch r.kind {
	case "none":
		return ""
	case "support":
		tok, err = m.s.AdminToken(devstack.SupportStaff)
	case "service":
		account := devstack.TasksInvoker // for AssembleReport and Housekeeping: valid, but not theirs
		if fn == "AssembleReport" {
			account = devstack.SchedulerAccount
		} else if fn == "Housekeeping" {
			account = devstack.PushAccount
		}
		tok, err = m.s.ServiceToken(account, fn)
	default:
		tok, err = m.s.AdminToken(map[string]string{"super": r.org.super, "user": r.org.user, "delegated": r.org.delegated}[r.kind])
	}
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// run calls every endpoint as every role and checks the status and that
// nothing of the other organisation shows.
func (m *matrix) run(ctx context.Context, t *testing.T) {
	cells := 0
	for _, r := range m.roles() {
		own, foreign := r.org, m.other(r.org)
		if own == nil {
			own, foreign = m.orgs[0], m.orgs[1]
		}
		got := map[string]answer{}
		for _, e := range endpoints {
			a := request(ctx, t, m.s.URLs[e.fn]+e.path(own, foreign), e.method, m.token(t, r, e.fn), e.body(own, foreign))
			got[e.name] = a
			cells++
			if want := expect(r.kind, e); a.code != want {
				t.Errorf("%s → %s: %d, want %d: %.300s", r.name, e.name, a.code, want, a.body)
			}
			m.checkNoLeak(t, r, e, own, foreign, a)
		}
		for _, pair := range [][2]string{{"get foreign", "get unknown"}, {"cancel foreign", "cancel unknown"}} {
			f, u := got[pair[0]], got[pair[1]]
			if f.code != u.code || strings.ReplaceAll(f.body, foreign.exportID, unknownID) != u.body {
				t.Errorf("%s: %s and %s differ:\n%s\n%s", r.name, pair[0], pair[1], f.body, u.body)
			}
		}
	}
	t.Logf("isolation matrix: %d roles × %d endpoints = %d cells", len(m.roles()), len(endpoints), cells)
}

func (m *matrix) other(o *tenant) *tenant {
	if o == nil {
		return nil
	}
	if o == m.orgs[0] {
		return m.orgs[1]
	}
	return m.orgs[0]
}

// checkNoLeak: an organisation's people see nothing of the other; callers
// outside both see no export, and support sees no archive link.
func (m *matrix) checkNoLeak(t *testing.T, r role, e endpoint, own, foreign *tenant, a answer) {
	var secret []string
	switch {
	case r.org != nil:
		secret = []string{foreign.customerID, foreign.domain, foreign.exportID}
	case r.kind == "support":
		secret = []string{own.exportID, foreign.exportID, "report.html", devstack.Bucket}
	default:
		secret = []string{own.customerID, foreign.customerID, own.exportID, foreign.exportID, own.domain, foreign.domain}
	}
	body := strings.ReplaceAll(a.body, unknownID, "")
	for _, s := range secret {
		if strings.Contains(body, s) {
			t.Errorf("%s → %s: the answer reveals %q: %.300s", r.name, e.name, s, a.body)
		}
	}
}
