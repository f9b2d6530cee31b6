// Package housekeeping is the Housekeeping function: the hourly Cloud Scheduler target: cool-down expiry (R2b), the 14-day deadline (R10), retention expiry (R12) and stuck work.
package housekeeping

import "net/http"

// Handle serves Housekeeping.
func Handle(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "Housekeeping is not implemented yet", http.StatusNotImplemented)
}
