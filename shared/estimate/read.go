package estimate

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	reports "google.golang.org/api/admin/reports/v1"
	"google.golang.org/api/googleapi"

	"github.com/orgexport/orgexport/shared/export"
)

// ErrUnavailable: Google has no usage report of the organisation yet
// (export.ErrNoEstimate, which says so to the administrator).
var ErrUnavailable = export.ErrNoEstimate

// Usage is what the usage reports say of the organisation on Date.
type Usage struct {
	Date       string
	Users      int64
	UsedBytes  int64 // accounts:used_quota_in_mb
	GmailBytes int64 // accounts:gmail_used_quota_in_mb
	DriveBytes int64 // accounts:drive_used_quota_in_mb (shared drives included)
	PerUser    []UserUsage
}

// UserUsage is one user's line of the user usage report.
type UserUsage struct {
	Email      string
	GmailBytes int64
	DriveBytes int64
	DriveItems int64
}

const mib = 1 << 20

var (
	notYet   = regexp.MustCompile(`Data for dates later than (\d{4}-\d{2}-\d{2}) is not yet available`)
	tooLate  = regexp.MustCompile(`Start date can not be later than (\d{4}-\d{2}-\d{2})`)
	customer = "accounts:num_users,accounts:used_quota_in_mb,accounts:gmail_used_quota_in_mb,accounts:drive_used_quota_in_mb"
	perUser  = "accounts:gmail_used_quota_in_mb,accounts:drive_used_quota_in_mb,drive:num_owned_items_total"
)

// Read reads the usage of the latest day that has a report, as of now.
func Read(ctx context.Context, svc *reports.Service, now time.Time) (Usage, error) {
	day := now.UTC().AddDate(0, 0, -2).Format(time.DateOnly)
	for try := 0; try < 4; try++ {
		rep, err := svc.CustomerUsageReports.Get(day).Parameters(customer).Context(ctx).Do()
		var ge *googleapi.Error
		if errors.As(err, &ge) && ge.Code == 400 {
			if m := notYet.FindStringSubmatch(ge.Message); m != nil {
				day = m[1]
				continue
			}
			if m := tooLate.FindStringSubmatch(ge.Message); m != nil {
				day = m[1]
				continue
			}
		}
		if err != nil {
			return Usage{}, fmt.Errorf("customer usage report of %s: %w", day, err)
		}
		if len(rep.UsageReports) == 0 {
			for _, w := range rep.Warnings {
				if w.Code == "PARTIAL_DATA_AVAILABLE" {
					break
				}
				if w.Code == "DATA_NOT_AVAILABLE" {
					return Usage{}, ErrUnavailable
				}
			}
			d, _ := time.Parse(time.DateOnly, day)
			day = d.AddDate(0, 0, -1).Format(time.DateOnly)
			continue
		}
		u := Usage{Date: day}
		for _, p := range rep.UsageReports[0].Parameters {
			switch p.Name {
			case "accounts:num_users":
				u.Users = p.IntValue
			case "accounts:used_quota_in_mb":
				u.UsedBytes = p.IntValue * mib
			case "accounts:gmail_used_quota_in_mb":
				u.GmailBytes = p.IntValue * mib
			case "accounts:drive_used_quota_in_mb":
				u.DriveBytes = p.IntValue * mib
			}
		}
		if err := readUsers(ctx, svc, &u); err != nil {
			return Usage{}, err
		}
		return u, nil
	}
	return Usage{}, ErrUnavailable
}

func readUsers(ctx context.Context, svc *reports.Service, u *Usage) error {
	err := svc.UserUsageReport.Get("all", u.Date).Parameters(perUser).MaxResults(1000).Pages(ctx, func(p *reports.UsageReports) error {
		for _, r := range p.UsageReports {
			uu := UserUsage{}
			if r.Entity != nil {
				uu.Email = r.Entity.UserEmail
			}
			for _, x := range r.Parameters {
				switch x.Name {
				case "accounts:gmail_used_quota_in_mb":
					uu.GmailBytes = x.IntValue * mib
				case "accounts:drive_used_quota_in_mb":
					uu.DriveBytes = x.IntValue * mib
				case "drive:num_owned_items_total":
					uu.DriveItems = x.IntValue
				}
			}
			u.PerUser = append(u.PerUser, uu)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("user usage report of %s: %w", u.Date, err)
	}
	return nil
}
