// Package estimate predicts an export before it starts, from the Admin
// SDK Reports API: the customer's usage of the latest day with data
// (accounts:num_users, accounts:used_quota_in_mb and its Gmail and Drive
// parts) and every user's (accounts:gmail_used_quota_in_mb,
// accounts:drive_used_quota_in_mb, drive:num_owned_items_total).
//
// The reports lag by days: the latest date is found by asking for the
// day before yesterday and following Google's answer ("Data for dates
// later than D is not yet available", "Start date can not be later than
// D"), as GAM does. An organisation too young to have a report
// (DATA_NOT_AVAILABLE) has no estimate: ErrUnavailable says so.
//
// From the usage, Make reckons the bytes, the items, the zip parts and the
// duration under a quota table (shared/quota): every user account's calls
// at its per-account budget, ConcurrentAccounts of them at once, plus the
// transfer at a planning throughput, and names the limit that binds.
package estimate
