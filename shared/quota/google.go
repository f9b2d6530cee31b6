package quota

import "time"

const (
	minute = time.Minute
	day    = 24 * time.Hour
)

// Default is Google's default quotas for a Cloud project created in 2026,
// as the pages named in each Source published them when read (Dec 2026),
// and the policy orgexport deploys with (infra/tasks.tf follows it).
var Default = Table{
	ConcurrentAccounts: 50,
	Ramp:               10 * time.Second,
	Headroom:           0.8,
	Latency:            200 * time.Millisecond,
	MaxWorkers:         4,
	Limits: map[string]Limit{
		Gmail: {
			Shared:     true,
			Title:      "Gmail API",
			PerProject: Rate{1_200_000, minute},
			PerUser:    Rate{6_000, minute},
			Units:      "quota units",
			// Per-method quota usage, from the same page.
			Costs: map[string]int{
				"users.getProfile": 1, "users.labels.list": 1, "users.labels.get": 1,
				"users.history.list": 2, "users.messages.list": 5, "users.messages.get": 5,
				"users.messages.attachments.get": 5, "users.threads.list": 10, "users.threads.get": 10,
				"users.drafts.list": 5, "users.drafts.get": 5, "users.settings.filters.list": 1,
				"users.settings.sendAs.list": 1, "users.settings.forwardingAddresses.list": 1,
			},
			DefaultCost: 5,
			Published:   true,
			Source:      "https://developers.google.com/workspace/gmail/api/reference/quota",
			Note: "Per minute per project 1,200,000 units; per minute per user per project 6,000 units for " +
				"projects created on or after 2026-05-01 (15,000 for projects that used the API between " +
				"November 2025 and April 2026); exceeding them answers rateLimitExceeded / " +
				"userRateLimitExceeded. Daily billing threshold 80,000,000 units per project.",
		},
		Drive: {
			Shared:     true,
			Title:      "Google Drive API",
			PerProject: Rate{12_000, minute},
			PerUser:    Rate{12_000, minute},
			Units:      "requests",
			Published:  true,
			Source:     "https://developers.google.com/workspace/drive/api/guides/limits",
			Note: "The page now states 1,000,000 quota units per minute per project and 325,000 per user, " +
				"and 1 TB of egress per day per project before charges; its per-method unit costs were not " +
				"in the copy read, so the request limits the page published before 2026-05 (12,000 " +
				"queries per 60 s per project and per user) are planned for. Over quota Drive answers " +
				"403 userRateLimitExceeded, and its backend 429.",
		},
		Calendar: {
			Shared:     true,
			Title:      "Google Calendar API",
			PerProject: Rate{10_000, minute},
			PerUser:    Rate{600, minute},
			Units:      "requests",
			Published:  true,
			Source:     "https://developers.google.com/workspace/calendar/api/guides/quota",
			Note: "Per minute per project 10,000 requests, per minute per user per project 600, over a " +
				"sliding window; over quota 403 or 429 usageLimits (rateLimitExceeded, userRateLimitExceeded).",
		},
		People: {
			Shared: true,
			Title:  "People API",
			Units:  "requests",
			Source: "https://developers.google.com/people/api/rest (no usage-limits page found)",
			Note: "Google publishes no table of the People API's per-minute quotas (the Cloud console shows a " +
				"project's 'Read requests per minute per user' and 'Critical read requests' values); " +
				"the API is paced by its 429 RESOURCE_EXHAUSTED answers only. Set the console's values " +
				"here to pace it.",
		},
		Directory: {
			Title:     "Admin SDK Directory API",
			PerUser:   Rate{2_400, minute},
			Units:     "requests",
			Published: true,
			Source:    "https://developers.google.com/workspace/admin/directory/v1/limits",
			Note: "403 userRateLimitExceeded past 2,400 queries per minute per user per project (the Cloud " +
				"console's default); 403 quotaExceeded when too many concurrent requests for one " +
				"operation. No per-project figure is published; an export's Directory calls act as the " +
				"administrator, in bulk from one invocation (enumeration), so the per-user quota binds.",
		},
		Chat: {
			Shared:     true,
			Title:      "Google Chat API",
			PerProject: Rate{3_000, minute},
			Units:      "requests",
			Published:  true,
			Source:     "https://developers.google.com/workspace/chat/limits",
			Note: "Per project per 60 s: message reads 3,000 (spaces.messages.get/list), membership reads " +
				"3,000, space reads 3,000, attachment reads 3,000, reaction reads 3,000; per-space and " +
				"per-user quotas also apply (not in the copy read). Planned as one 3,000/min budget for " +
				"all reads, the smallest group. Over quota 429 RESOURCE_EXHAUSTED.",
		},
		Tasks: {
			Shared:     true,
			Title:      "Google Tasks API",
			PerProject: Rate{50_000, day},
			Units:      "requests",
			Published:  true,
			Source:     "https://developers.google.com/workspace/tasks/limits",
			Note: "A courtesy limit of 50,000 queries per day per project (no per-minute figure published); " +
				"raising it is a quota adjustment request. For a large organisation this is the binding " +
				"limit of the whole export: 10,000 users with two lists each need ~30,000 calls.",
		},
		Keep: {
			Shared: true,
			Title:  "Google Keep API",
			Units:  "requests",
			Source: "https://developers.google.com/workspace/keep/api (no usage-limits page found)",
			Note:   "Google publishes no quota for the Keep API; paced only by its 429 answers.",
		},
		Classroom: {
			Shared:     true,
			Title:      "Google Classroom API",
			PerProject: Rate{3_000, minute},
			PerUser:    Rate{1_200, minute},
			Units:      "requests",
			Published:  true,
			Source:     "https://developers.google.com/workspace/classroom/reference/limits",
			Note: "Queries per minute per client 3,000 (50 QPS), per user 1,200 (20 QPS), per day per " +
				"client 4,000,000; checked on a 60-second moving average; over quota RESOURCE_EXHAUSTED.",
		},
		GroupsSettings: {
			Title:  "Groups Settings API",
			Units:  "requests",
			Source: "https://developers.google.com/workspace/admin/groups-settings (no usage-limits page found)",
			Note:   "Google publishes no quota for the Groups Settings API; paced only by its refusals.",
		},
		Vault: {
			Title:      "Google Vault API",
			PerProject: Rate{120, minute},
			Units:      "requests",
			Published:  true,
			Source:     "https://developers.google.com/workspace/vault/limits",
			Note: "Read requests per minute per project: export, matter and saved query 120, hold 228, " +
				"long-running operation 300; writes per minute: export 20 (matters.exports.create costs " +
				"10 export writes, so 2 exports created per minute), matter 60; 600 matter reads per " +
				"minute per organisation across projects; at most 20 exports in progress per " +
				"organisation. Planned as the 120 reads/min budget.",
		},
		Reports: {
			Title:  "Admin SDK Reports API",
			Units:  "requests",
			Source: "https://developers.google.com/workspace/admin/reports/v1/limits",
			Note: "The page gives no figures, only that 503 answers name an exceeded quota and that a " +
				"client should back off; orgexport makes a few calls per estimate.",
		},
		IAMCredentials: {
			Title:      "IAM Service Account Credentials API",
			PerProject: Rate{60_000, minute},
			Units:      "requests",
			Published:  true,
			Source:     "https://cloud.google.com/iam/quotas",
			Note: "Requests to sign a JSON Web Token (signJwt) or blob 60,000 per minute per project; " +
				"requests to generate credentials 60,000 per minute. Every delegated token costs one signJwt.",
		},
	},
}
