package workspace

import (
	"net/http"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

// abuse refuses to download a file Drive flags as malware or spam unless
// the request acknowledges it (acknowledgeAbuse=true), as Drive does.
func abuse(r *http.Request, f synth.File) error {
	if f.Abusive && !boolParam(r, "acknowledgeAbuse") {
		return apiError{403, "cannotDownloadAbusiveFile", "This file has been identified as malware or spam and cannot be downloaded."}
	}
	return nil
}
