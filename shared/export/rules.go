package export

import (
	"fmt"
	"time"
)

// The numbers of docs/rules.md.
const (
	MinAdminAge      = 30 * 24 * time.Hour // R1c
	YoungOrgAge      = 30 * 24 * time.Hour // R1c: the admin-age rule applies to organisations older than this
	MaxUsers         = 1000                // R1d: fewer than this, unless overridden
	Cooldown         = 30 * 24 * time.Hour // R2b
	NewAccountCutoff = 24 * time.Hour      // R4
	MaxDuration      = 14 * 24 * time.Hour // R10
	Retention        = 30 * 24 * time.Hour // R12
	MaxRemediations  = 3                   // R16
)

// Requester is what the Directory says of the admin who asks for an export.
type Requester struct {
	Email            string
	IsSuperAdmin     bool
	Enrolled2SV      bool
	Enforced2SV      bool
	Created          time.Time
	OrgCreated       time.Time
	OrgUsers         int
	OverrideUntil    time.Time // zero: no support override (R14b)
	OverrideGranted  bool
	SuperAdminCount  int
	SuperAdminEmails []string
}

// Refusal is one rule of R1 that the requester does not meet, with what to
// do about it.
type Refusal struct {
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// Eligibility checks R1a–d at now and returns every rule that fails, in rule
// order; none means the requester may start an export.
func Eligibility(r Requester, now time.Time) []Refusal {
	var out []Refusal
	if !r.IsSuperAdmin {
		out = append(out, Refusal{"R1a", "Only a super administrator can export the organisation's data. Ask a super administrator to start the export, or to make your account a super administrator."})
	}
	if !r.Enrolled2SV || !r.Enforced2SV {
		var what string
		switch {
		case !r.Enrolled2SV && !r.Enforced2SV:
			what = "is not enrolled in 2-Step Verification and 2-Step Verification is not enforced for it"
		case !r.Enrolled2SV:
			what = "is not enrolled in 2-Step Verification"
		default:
			what = "is enrolled in 2-Step Verification, but 2-Step Verification is not enforced for it"
		}
		out = append(out, Refusal{"R1b", "Your account " + what + ". Enrol in 2-Step Verification, and have it enforced for your account. Tip: to enforce it for you without forcing other users, create a child organisational unit, move your account into it and enforce 2-Step Verification there."})
	}
	if now.Sub(r.OrgCreated) > YoungOrgAge && now.Sub(r.Created) < MinAdminAge {
		allowed := r.Created.Add(MinAdminAge).UTC().Format(time.RFC3339)
		out = append(out, Refusal{"R1c", "Your account must have been on the domain for at least 30 days before it can export the organisation's data. It was created " + r.Created.UTC().Format(time.RFC3339) + "; you can start an export from " + allowed + ", or ask a super administrator whose account is older."})
	}
	if r.OrgUsers >= MaxUsers && !(r.OverrideGranted && now.Before(r.OverrideUntil)) {
		out = append(out, Refusal{"R1d", fmt.Sprintf("The organisation has %d users; the data export tool is available to organisations with fewer than %d. Contact support to have it enabled for your organisation temporarily.", r.OrgUsers, MaxUsers)})
	}
	return out
}

// HoldEnd is when an export requested at now starts exporting data (R3a–b):
// after hold when there is more than one super administrator, else at once.
func HoldEnd(requested time.Time, superAdmins int, hold time.Duration) time.Time {
	if superAdmins > 1 {
		return requested.Add(hold)
	}
	return requested
}

// CutOff is the creation time after which accounts are not exported (R4):
// 24 hours before the export starts exporting data.
func CutOff(started time.Time) time.Time { return started.Add(-NewAccountCutoff) }

// Excluded reports whether an account created at created is left out of an
// export whose cut-off is cutOff: it was created less than 24 hours before
// the start (R4).
func Excluded(created, cutOff time.Time) bool { return created.After(cutOff) }

// CooldownEnd is when the next export may start after one completed at
// completed (R2b).
func CooldownEnd(completed time.Time) time.Time { return completed.Add(Cooldown) }

// Deadline is when an export started at started is cut off (R10).
func Deadline(started time.Time) time.Time { return started.Add(MaxDuration) }

// Expires is when an export completed at completed is deleted (R12).
func Expires(completed time.Time) time.Time { return completed.Add(Retention) }

// RecordKept is how long an expired export's record stays readable before
// Firestore's TTL may delete it.
const RecordKept = 365 * 24 * time.Hour

// PurgeAt is when the record of an export completed at completed may go.
func PurgeAt(completed time.Time) time.Time { return Expires(completed).Add(RecordKept) }
