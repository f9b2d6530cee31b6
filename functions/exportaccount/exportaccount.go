// Package exportaccount is the ExportAccount function: the Cloud Tasks
// target that exports one part of one account's data into a numbered zip in
// the bucket (R7, R8), and hands over to a continuation task or finishes the
// account.
package exportaccount

import (
	"log/slog"
	"net/http"

	"github.com/orgexport/orgexport/shared/config"
	"github.com/orgexport/orgexport/shared/entry"
	"github.com/orgexport/orgexport/shared/httpapi"
	"github.com/orgexport/orgexport/shared/pipeline"
	"github.com/orgexport/orgexport/shared/wire"
)

// Handle serves ExportAccount, built from the environment on first use.
var Handle = entry.ServiceFunction("ExportAccount", config.LoadExportAccount, wire.ExportAccount, New)

// New is ExportAccount's handler of one account task. On an error Cloud
// Tasks delivers the task again and the part is redone under the same name.
func New(pl *pipeline.Pipeline, log *slog.Logger) http.Handler {
	return httpapi.Run(log, "account task", pl.Account)
}
