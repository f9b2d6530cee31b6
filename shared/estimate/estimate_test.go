package estimate_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	reports "google.golang.org/api/admin/reports/v1"
	"google.golang.org/api/option"

	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/config"
	"github.com/orgexport/orgexport/shared/delegation"
	"github.com/orgexport/orgexport/shared/estimate"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/quota"
)

// The estimate of the emulator's organisation, read through the real
// Reports client as its administrator, is within 25 % of the bytes of
// the mail and files the emulator serves (its ground truth).
func TestEstimateOfAnOrganisationMatchesItsItems(t *testing.T) {
	opt := synth.Tiny(3)
	opt.Now = time.Now().UTC()
	org, err := synth.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	ws, err := workspace.Start(workspace.Config{Org: org}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	f, err := delegation.New(context.Background(), config.Workspace{Endpoint: ws.URL(), DelegationServiceAccount: ws.DelegationAccount()}, delegation.Options{})
	if err != nil {
		t.Fatal(err)
	}
	est, err := (&estimate.Estimator{Clients: f}).Estimate(context.Background(), "admin@"+opt.Domain)
	if err != nil {
		t.Fatal(err)
	}
	var truth int64
	for _, a := range org.Accounts() {
		for it := range ws.Truth(a.ID) {
			if it.Product == export.Gmail || it.Product == export.Drive {
				truth += it.Size
			}
		}
	}
	ratio := float64(est.Bytes) / float64(truth)
	t.Logf("estimate %d bytes (%s), %d parts, %v (%s); the items served %d bytes: %.3f×", est.Bytes, est.Date, est.Parts, est.Duration, est.Binding, truth, ratio)
	if ratio < 0.75 || ratio > 1.25 {
		t.Errorf("estimate %d bytes, the organisation's mail and files %d: %.2f×, want within ±25%%", est.Bytes, truth, ratio)
	}
	if est.Users == 0 || est.Parts < est.Users || est.Duration <= 0 || est.Binding == "" {
		t.Errorf("estimate %+v: want users, at least a part each, a duration and what binds it", est)
	}
}

// fakeReports answers the customer usage report by date.
func fakeReports(t *testing.T, answer func(date string) (int, string)) *reports.Service {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		date := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
		code, body := 200, `{"usageReports":[{"entity":{"userEmail":"a@x"},"parameters":[{"name":"accounts:gmail_used_quota_in_mb","intValue":"10"}]}]}`
		if !strings.Contains(r.URL.Path, "/users/") {
			code, body = answer(date)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	svc, err := reports.NewService(context.Background(), option.WithEndpoint(srv.URL+"/"), option.WithoutAuthentication())
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// The reports lag: Read follows Google's "not yet available" to the
// latest date that has data.
func TestReadFollowsTheLatestDateWithData(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	var asked []string
	svc := fakeReports(t, func(date string) (int, string) {
		asked = append(asked, date)
		if date > "2026-11-26" {
			return 400, `{"error":{"code":400,"message":"Data for dates later than 2026-11-26 is not yet available. Please check back later","errors":[{"reason":"invalid","message":"x"}]}}`
		}
		return 200, `{"usageReports":[{"date":"` + date + `","parameters":[{"name":"accounts:num_users","intValue":"1"},{"name":"accounts:gmail_used_quota_in_mb","intValue":"10"}]}]}`
	})
	u, err := estimate.Read(context.Background(), svc, now)
	if err != nil {
		t.Fatal(err)
	}
	if u.Date != "2026-11-26" || u.GmailBytes != 10<<20 || len(u.PerUser) != 1 || strings.Join(asked, ",") != "2026-11-29,2026-11-26" {
		t.Errorf("usage %+v after asking %v", u, asked)
	}
}

// An organisation with no report yet has no estimate, and the error says
// so in words an administrator can act on.
func TestANewOrganisationHasNoEstimate(t *testing.T) {
	svc := fakeReports(t, func(date string) (int, string) {
		return 200, `{"warnings":[{"code":"DATA_NOT_AVAILABLE","message":"Sorry, data for date ` + date + ` for application \"accounts\" is not available."}]}`
	})
	_, err := estimate.Read(context.Background(), svc, time.Now())
	if !errors.Is(err, export.ErrNoEstimate) || !strings.Contains(err.Error(), "not available yet for a new organisation") {
		t.Errorf("err = %v", err)
	}
}

// 1,000 users with 10 GB each: Gmail's per-user quota binds, not the
// transfer, and the duration is the users' work shared by the accounts
// exported at once.
func TestMakeNamesTheBindingLimit(t *testing.T) {
	u := estimate.Usage{Date: "2026-11-26", Users: 1000}
	for i := 0; i < 1000; i++ {
		uu := estimate.UserUsage{GmailBytes: 5 << 30, DriveBytes: 5 << 30, DriveItems: 5000}
		u.PerUser = append(u.PerUser, uu)
		u.GmailBytes += uu.GmailBytes
		u.DriveBytes += uu.DriveBytes
	}
	e := estimate.Make(u, quota.Default, 2<<30)
	if e.Parts != 5000 || e.Bytes != 10000<<30 {
		t.Errorf("parts %d, bytes %d", e.Parts, e.Bytes)
	}
	// 52,428 messages × 5 units at 80 units/s ≈ 55 min, 5,005 Drive calls
	// at 3.2/s ≈ 26 min, 10 GiB at 20 MiB/s ≈ 8.5 min: ~90 min a user,
	// 1,000 users 50 at a time ≈ 30 h.
	if e.Duration < 25*time.Hour || e.Duration > 35*time.Hour || !strings.Contains(e.Binding, "Gmail") {
		t.Errorf("duration %v, binding %q", e.Duration, e.Binding)
	}
	t.Logf("1,000 users × 10 GiB: %v, bound by %s", e.Duration.Round(time.Minute), e.Binding)
}
