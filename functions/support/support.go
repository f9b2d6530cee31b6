// Package support is the Support function: the support staff's HTTP API (R14): reset an organisation's 30-day limit and grant a temporary override of the 1,000-user limit.
package support

import "net/http"

// Handle serves Support.
func Handle(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "Support is not implemented yet", http.StatusNotImplemented)
}
