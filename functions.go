// Package orgexport registers orgexport's Cloud Functions with the Functions
// Framework. The Cloud Functions Go buildpack builds only this root package,
// so every function is registered here and implemented in functions/<name>.
//
// Deploy each with --runtime=go126 --source=. --entry-point=NAME.
package orgexport

import (
	"github.com/GoogleCloudPlatform/functions-framework-go/functions"

	"github.com/orgexport/orgexport/functions/assemblereport"
	"github.com/orgexport/orgexport/functions/beginexport"
	"github.com/orgexport/orgexport/functions/exportaccount"
	"github.com/orgexport/orgexport/functions/housekeeping"
	"github.com/orgexport/orgexport/functions/startexport"
	"github.com/orgexport/orgexport/functions/support"
)

// Names of the functions, as deployed and as FUNCTION_TARGET locally.
const (
	StartExport    = "StartExport"
	BeginExport    = "BeginExport"
	ExportAccount  = "ExportAccount"
	AssembleReport = "AssembleReport"
	Housekeeping   = "Housekeeping"
	Support        = "Support"
)

// AssembleReport is registered as an HTTP function so that it can verify
// the push's OIDC token; it turns the delivery into a CloudEvent itself
// (see package assemblereport).
func init() {
	functions.HTTP(StartExport, startexport.Handle)
	functions.HTTP(BeginExport, beginexport.Handle)
	functions.HTTP(ExportAccount, exportaccount.Handle)
	functions.HTTP(AssembleReport, assemblereport.Handle)
	functions.HTTP(Housekeeping, housekeeping.Handle)
	functions.HTTP(Support, support.Handle)
}
