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
var Handle = entry.ServiceFunction("Housekeeping", config.LoadHousekeeping,
	func(ctx context.Context, c config.Housekeeping, log *slog.Logger) (http.Handler, error) {
		svc, _, err := wire.Housekeeping(ctx, c, log)
		if err != nil {
			return nil, err
		}
		return &Handler{Service: svc, Log: log}, nil
	})

// Handler runs housekeeping once per call. The body is ignored.
type Handler struct {
	Service *control.Service
	Log     *slog.Logger
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rep, err := h.Service.Housekeeping(r.Context())
	if err != nil {
		// What succeeded stands; the scheduler's next run retries the rest.
		h.Log.ErrorContext(r.Context(), "housekeeping incomplete", "error", err, "done", rep)
		httpapi.JSON(w, http.StatusInternalServerError, map[string]any{"error": map[string]any{
			"code": 500, "status": "INTERNAL", "message": "Some housekeeping failed and will be retried next run."}, "done": rep})
		return
	}
	h.Log.InfoContext(r.Context(), "housekeeping done", "done", rep)
	httpapi.JSON(w, http.StatusOK, rep)
}
