package workspace_test

import (
	"context"
	"strings"
	"testing"
	"time"

	reports "google.golang.org/api/admin/reports/v1"
	"google.golang.org/api/googleapi"

	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/export"
)

// startReports serves an organisation made now (the token endpoint checks
// assertions against the real clock).
func startReports(t *testing.T, opt synth.Options) (*workspace.Server, *reports.Service, time.Time) {
	t.Helper()
	now := time.Now().UTC()
	opt.Now = now
	org, err := synth.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	s, err := workspace.Start(workspace.Config{Org: org}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	svc, err := reports.NewService(context.Background(), clientOpts(t, s, "reports", "admin@"+opt.Domain)...)
	if err != nil {
		t.Fatal(err)
	}
	return s, svc, now
}

// The reports lag: today is refused, yesterday is not yet available (the
// message names the latest date with data), and that date answers.
func TestUsageReportsLagByDays(t *testing.T) {
	_, svc, now := startReports(t, synth.Tiny(1))
	_, err := svc.CustomerUsageReports.Get(now.AddDate(0, 0, 1).Format(time.DateOnly)).Do()
	if ge, ok := err.(*googleapi.Error); !ok || ge.Code != 400 || !strings.Contains(ge.Message, "can not be later than") {
		t.Errorf("tomorrow: %v", err)
	}
	_, err = svc.CustomerUsageReports.Get(now.AddDate(0, 0, -1).Format(time.DateOnly)).Do()
	want := "Data for dates later than " + now.AddDate(0, 0, -2).Format(time.DateOnly) + " is not yet available"
	if ge, ok := err.(*googleapi.Error); !ok || ge.Code != 400 || !strings.Contains(ge.Message, want) {
		t.Fatalf("yesterday: %v, want 400 %q", err, want)
	}
	rep, err := svc.CustomerUsageReports.Get(now.AddDate(0, 0, -2).Format(time.DateOnly)).Parameters("accounts:num_users,accounts:used_quota_in_mb").Do()
	if err != nil || len(rep.UsageReports) != 1 || len(rep.UsageReports[0].Parameters) != 2 {
		t.Fatalf("two days ago: %+v, %v", rep, err)
	}
}

// A date before the organisation existed has a warning, no report.
func TestUsageReportsOfAYoungOrganisation(t *testing.T) {
	opt := synth.Tiny(1)
	opt.YoungCustomer = true // 10 days old
	_, svc, now := startReports(t, opt)
	rep, err := svc.CustomerUsageReports.Get(now.AddDate(0, 0, -20).Format(time.DateOnly)).Do()
	if err != nil || len(rep.UsageReports) != 0 || len(rep.Warnings) != 1 || rep.Warnings[0].Code != "DATA_NOT_AVAILABLE" {
		t.Fatalf("before the organisation: %+v, %v", rep, err)
	}
}

// Each user's storage is what the emulator serves of the user's mail and
// files (the ground truth's sizes, and the trash), in MB.
func TestUserUsageIsTheSizeOfTheItemsServed(t *testing.T) {
	s, svc, now := startReports(t, synth.Tiny(1))
	day := now.AddDate(0, 0, -2).Format(time.DateOnly)
	var got []*reports.UsageReport
	err := svc.UserUsageReport.Get("all", day).MaxResults(2).Pages(context.Background(), func(p *reports.UsageReports) error {
		got = append(got, p.UsageReports...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	inReport := 0
	for _, u := range s.Org().Users() {
		if u.Created.Before(now.AddDate(0, 0, -1).Truncate(24 * time.Hour)) {
			inReport++
		}
	}
	if len(got) != inReport || inReport == 0 {
		t.Fatalf("%d user reports over pages of 2, want the %d users created by %s", len(got), inReport, day)
	}
	suspended := map[string]bool{}
	for _, u := range s.Org().Users() {
		suspended[u.Email] = u.Suspended
	}
	for _, r := range got {
		if suspended[r.Entity.UserEmail] {
			// Their mail and files still use storage, and the report says
			// so; the truth has them in the Vault account instead.
			continue
		}
		var gmail, drive int64
		for it := range s.Truth(r.Entity.UserEmail) {
			switch it.Product {
			case export.Gmail:
				gmail += it.Size
			case export.Drive:
				drive += it.Size
			}
		}
		params := map[string]int64{}
		for _, p := range r.Parameters {
			params[p.Name] = p.IntValue
		}
		if d := params["accounts:gmail_used_quota_in_mb"] - (gmail+1<<19)>>20; d != 0 {
			t.Errorf("%s: gmail %d MB, the mail served is %d bytes", r.Entity.UserEmail, params["accounts:gmail_used_quota_in_mb"], gmail)
		}
		// Drive counts the trash too: at least what is exported.
		if params["accounts:drive_used_quota_in_mb"] < drive>>20 {
			t.Errorf("%s: drive %d MB, the files served are %d bytes", r.Entity.UserEmail, params["accounts:drive_used_quota_in_mb"], drive)
		}
	}
}
