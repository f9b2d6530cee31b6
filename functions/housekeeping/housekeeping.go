// Package housekeeping is the Housekeeping function, called hourly by Cloud
// Scheduler: it enqueues starts that went missing, fails what is unfinished
// at the 14-day deadline (R10), expires exports at the end of retention
// (R12) and sends stuck accounts again. Running it twice in a row changes
// nothing the second time.
package housekeeping

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/orgexport/orgexport/shared/config"
	"github.com/orgexport/orgexport/shared/control"
	"github.com/orgexport/orgexport/shared/entry"
	"github.com/orgexport/orgexport/shared/httpapi"
	"github.com/orgexport/orgexport/shared/wire"
)

// Handle serves Housekeeping, built from the environment on first use.
var Handle = entry.ServiceFunction("Housekeeping", config.LoadHousekeeping, wire.Housekeeping, New)

// New runs housekeeping once per call; the body is ignored. What succeeded
// stands when a part fails: the answer is a 500 with what was done, and
// the scheduler's next run retries the rest.
func New(svc *control.Service, log *slog.Logger) http.Handler {
	return httpapi.Task(log, "housekeeping", func(*http.Request) (struct{}, error) { return struct{}{}, nil },
		func(ctx context.Context, _ struct{}) (any, error) {
			rep, err := svc.Housekeeping(ctx)
			if err != nil {
				return nil, httpapi.Internal(err, "Some housekeeping failed and will be retried next run.").WithDetails(map[string]any{"done": rep})
			}
			return rep, nil
		})
}
