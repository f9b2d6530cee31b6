// Package beginexport is the BeginExport function: the Cloud Tasks target that runs when the hold ends: it re-checks the requester (R3c), fixes the cut-off (R4) and fans out one task per account (R6).
package beginexport

import "net/http"

// Handle serves BeginExport.
func Handle(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "BeginExport is not implemented yet", http.StatusNotImplemented)
}
