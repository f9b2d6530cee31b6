// Package exportaccount is the ExportAccount function: the Cloud Tasks target that exports one account's data into numbered zip parts in the bucket (R7, R8).
package exportaccount

import "net/http"

// Handle serves ExportAccount.
func Handle(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "ExportAccount is not implemented yet", http.StatusNotImplemented)
}
