// Package beginexport is the BeginExport function: the Cloud Tasks target
// that runs when an export's hold ends. It re-checks the requester (R3c),
// fixes the cut-off (R4) and fans out one task per account (R6), paging
// through the Directory with checkpoints.
package beginexport

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/orgexport/orgexport/shared/config"
	"github.com/orgexport/orgexport/shared/entry"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/httpapi"
	"github.com/orgexport/orgexport/shared/pipeline"
	"github.com/orgexport/orgexport/shared/wire"
)

// Handle serves BeginExport, built from the environment on first use.
var Handle = entry.ServiceFunction("BeginExport", config.LoadBeginExport, wire.BeginExport, New)

// New is BeginExport's handler of one task of the control queue: the start
// when the hold ends, its continuations, and the purge of a cancelled
// export's objects. A task that comes too early (before the hold's end, or
// a purge while stopped workers' leases last) is answered 503, so Cloud
// Tasks delivers it again later.
func New(pl *pipeline.Pipeline, log *slog.Logger) http.Handler {
	return httpapi.Run(log, "begin task", func(ctx context.Context, t export.BeginTask) error {
		if t.Action == export.ActionPurgeData {
			return pl.Purge(ctx, t)
		}
		return pl.Begin(ctx, t)
	})
}
