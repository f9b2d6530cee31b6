package estimate

import (
	"fmt"
	"time"

	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/quota"
)

// Planning figures the reports do not give.
const (
	// MeanMessageBytes turns Gmail's storage into a count of messages
	// (the reports count none): a planning mean, mail with attachments.
	MeanMessageBytes = 100 << 10
	// Throughput is what one account's invocation moves, source → zip →
	// bucket, when no quota holds it back.
	Throughput = 20 << 20 // bytes per second
	// TasksCallsPerUser are the Tasks calls of a user: the lists and a
	// page of tasks per list, for two lists.
	TasksCallsPerUser = 3
)

// Make reckons the export of an organisation of usage u under the quota
// table t, with zips split at partSize.
func Make(u Usage, t quota.Table, partSize int64) export.Estimate {
	e := export.Estimate{Date: u.Date, Users: u.Users, StorageBytes: u.UsedBytes, Bytes: u.GmailBytes + u.DriveBytes}
	if partSize <= 0 {
		partSize = 2 << 30
	}
	gmail, drive := t.PerAccount(quota.Gmail), t.PerAccount(quota.Drive)
	var userDrive int64
	var sum, longest time.Duration
	var onGmail, onDrive, onTransfer time.Duration
	for _, uu := range u.PerUser {
		bytes := uu.GmailBytes + uu.DriveBytes
		userDrive += uu.DriveBytes
		msgs := uu.GmailBytes / MeanMessageBytes
		e.Items += msgs + uu.DriveItems
		e.Parts += max(1, ceilDiv(bytes, partSize))
		// messages.list (5 units a page of 500) and messages.get (5 each).
		g := seconds(float64(msgs*5+ceilDiv(msgs, 500)*5), gmail.Rate)
		// files.list (a page of 1,000) and a download or export per item.
		d := seconds(float64(uu.DriveItems+ceilDiv(uu.DriveItems, 1000)), drive.Rate)
		x := time.Duration(float64(bytes) / Throughput * float64(time.Second))
		onGmail, onDrive, onTransfer = onGmail+g, onDrive+d, onTransfer+x
		one := g + d + x
		sum += one
		longest = max(longest, one)
	}
	shared := max(0, u.DriveBytes-userDrive)
	if shared > 0 {
		e.Parts += max(1, ceilDiv(shared, partSize))
		x := time.Duration(float64(shared) / Throughput * float64(time.Second))
		onTransfer, sum, longest = onTransfer+x, sum+x, max(longest, x)
	}
	n := time.Duration(max(1, t.ConcurrentAccounts))
	e.Duration = max(sum/n, longest)
	e.Binding = binding(t, onGmail, onDrive, onTransfer)
	// A daily quota is a volume: the export cannot end before it allows.
	if l := t.Limits[quota.Tasks]; l.PerProject.Known() && l.PerProject.Per >= 24*time.Hour {
		calls := float64(u.Users * TasksCallsPerUser)
		days := calls / (float64(l.PerProject.N) * t.Headroom)
		if need := time.Duration(days * float64(l.PerProject.Per)); days > 1 && need > e.Duration {
			e.Duration = need
			e.Binding = fmt.Sprintf("%s: %s queries a day per project", l.Title, thousands(l.PerProject.N))
		}
	}
	return e
}

func binding(t quota.Table, onGmail, onDrive, onTransfer time.Duration) string {
	switch {
	case onGmail >= onDrive && onGmail >= onTransfer && onGmail > 0:
		return describe(t, quota.Gmail)
	case onDrive >= onTransfer && onDrive > 0:
		return describe(t, quota.Drive)
	}
	return fmt.Sprintf("the transfer: %d MiB/s per account, %d accounts at once", Throughput>>20, t.ConcurrentAccounts)
}

// describe names an API's binding quota: its user's, or its share of the
// project's.
func describe(t quota.Table, api string) string {
	l := t.Limits[api]
	b := t.PerAccount(api)
	if l.PerUser.Known() && b.Rate >= l.PerUser.PerSecond()*t.Headroom*0.999 {
		return fmt.Sprintf("%s: %s %s a %s per user", l.Title, thousands(l.PerUser.N), l.Units, window(l.PerUser.Per))
	}
	return fmt.Sprintf("%s: %s %s a %s per project, shared by %d accounts at once", l.Title, thousands(l.PerProject.N), l.Units,
		window(l.PerProject.Per), t.ConcurrentAccounts)
}

// window names a quota's window as people say it.
func window(d time.Duration) string {
	switch d {
	case time.Second:
		return "second"
	case time.Minute:
		return "minute"
	case 100 * time.Second:
		return "100 seconds"
	case 24 * time.Hour:
		return "day"
	}
	return d.String()
}

// thousands writes n with thousands separators: 1,200,000.
func thousands[N ~int | ~int64](n N) string {
	s := fmt.Sprint(int64(n))
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func ceilDiv(a, b int64) int64 {
	if a <= 0 {
		return 0
	}
	return (a + b - 1) / b
}

func seconds(units, rate float64) time.Duration {
	if rate <= 0 || units <= 0 {
		return 0
	}
	return time.Duration(units / rate * float64(time.Second))
}
