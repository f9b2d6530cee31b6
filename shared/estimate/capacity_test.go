package estimate_test

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/orgexport/orgexport/shared/estimate"
	"github.com/orgexport/orgexport/shared/quota"
)

var update = flag.Bool("update", false, "rewrite the model's tables in docs/capacity.md")

// The capacity model's profile: every user has 5 GB of mail (at the
// planning mean of 100 KiB a message) and 5 GB of Drive in 2,500 files.
const (
	profileGmail = 5_000_000_000
	profileDrive = 5_000_000_000
	profileFiles = 2_500
	partSize     = 2 << 30
)

// Prices used for the cost columns (US list prices, December 2026, per
// the Cloud Run, Cloud Storage and network pricing pages; not verifiable
// from this machine): Cloud Run at 1 vCPU and 2 GiB per ExportAccount
// instance, the archive in Standard storage for the 30 days it is kept.
const (
	vCPUSecond     = 0.000024
	gibSecond      = 0.0000025
	instanceGiB    = 2
	storageGBMonth = 0.026
)

func profile(users int) estimate.Usage {
	u := estimate.Usage{Users: int64(users)}
	for i := range users {
		u.PerUser = append(u.PerUser, estimate.UserUsage{Email: fmt.Sprintf("u%d@example.com", i),
			GmailBytes: profileGmail, DriveBytes: profileDrive, DriveItems: profileFiles})
	}
	u.GmailBytes, u.DriveBytes = int64(users)*profileGmail, int64(users)*profileDrive
	u.UsedBytes = u.GmailBytes + u.DriveBytes
	return u
}

func comma(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func hours(d time.Duration) string {
	if d >= 48*time.Hour {
		return fmt.Sprintf("%.1f days", d.Hours()/24)
	}
	return fmt.Sprintf("%.1f h", d.Hours())
}

// row is one line of a model table: the estimate of users under t, and
// what the Cloud side costs (ExportAccount instance time, at most
// ConcurrentAccounts instances busy for the whole duration, and storage).
func row(users int, t quota.Table) string {
	e := estimate.Make(profile(users), t, partSize)
	instanceHours := e.Duration.Hours() * float64(min(users, t.ConcurrentAccounts))
	compute := instanceHours * 3600 * (vCPUSecond + instanceGiB*gibSecond)
	storage := float64(e.Bytes) / 1e9 * storageGBMonth
	within := "no"
	if e.Duration <= 14*24*time.Hour {
		within = "yes"
	}
	return fmt.Sprintf("| %s | %d | %.0f TB | %s | %s | %s | $%s | $%s | %s |", comma(users), t.ConcurrentAccounts,
		float64(e.Bytes)/1e12, comma(int(e.Parts)), hours(e.Duration), within, comma(int(compute+0.5)), comma(int(storage+0.5)), e.Binding)
}

const header = "| users | accounts at once | bytes | zip parts | duration | within 14 days (R10) | Cloud Run | storage, 30 days | binding limit |\n" +
	"|---|---|---|---|---|---|---|---|---|\n"

// models are the tables of docs/capacity.md, by marker: the three sizes
// under the deployed defaults, and the headline organisation under the
// configurations an operator can choose.
func models() map[string]string {
	sizes := header
	for _, n := range []int{1_000, 10_000, 100_000} {
		sizes += row(n, quota.Default) + "\n"
	}
	headline := header
	for _, c := range []int{50, 100, 200, 400} {
		t := quota.Default
		t.ConcurrentAccounts = c
		headline += row(1_000, t) + "\n"
	}
	large := header
	for _, r := range []struct{ users, at int }{{10_000, 200}, {10_000, 400}, {100_000, 400}, {100_000, 1_000}} {
		t := quota.Default
		t.ConcurrentAccounts = r.at
		large += row(r.users, t) + "\n"
	}
	return map[string]string{"sizes": sizes, "headline": headline, "large": large}
}

// docs/capacity.md shows what the estimator predicts, not numbers typed
// by hand: its tables are the model's output for the stated profile, and
// change with the quota table (go test ./shared/estimate -run Capacity
// -update rewrites them).
func TestCapacityDocIsTheModel(t *testing.T) {
	const path = "../../docs/capacity.md"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for name, table := range models() {
		begin, end := "<!-- model:"+name+" -->\n", "<!-- end:"+name+" -->"
		i, j := strings.Index(doc, begin), strings.Index(doc, end)
		if i < 0 || j < i {
			t.Fatalf("%s lacks the markers %q … %q", path, begin, end)
		}
		if got := doc[i+len(begin) : j]; got != table {
			if !*update {
				t.Errorf("%s's %s table is not the model's; run go test ./shared/estimate -run Capacity -update\ngot:\n%s\nwant:\n%s", path, name, got, table)
				continue
			}
			doc = doc[:i+len(begin)] + table + doc[j:]
		}
	}
	if *update {
		if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
