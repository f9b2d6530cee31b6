// Package startexport is the StartExport function: the admins' HTTP API: start an export (R1–R5), list and read exports, cancel (R3d), and read the audit log (R15).
package startexport

import "net/http"

// Handle serves StartExport.
func Handle(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "StartExport is not implemented yet", http.StatusNotImplemented)
}
