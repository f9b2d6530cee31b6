// Package beginexport is the BeginExport function: the Cloud Tasks target
// that runs when an export's hold ends. It re-checks the requester (R3c),
// fixes the cut-off (R4) and fans out one task per account (R6), paging
// through the Directory with checkpoints.
package beginexport

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/orgexport/orgexport/shared/config"
	"github.com/orgexport/orgexport/shared/control"
	"github.com/orgexport/orgexport/shared/entry"
	"github.com/orgexport/orgexport/shared/httpapi"
	"github.com/orgexport/orgexport/shared/pipeline"
	"github.com/orgexport/orgexport/shared/store"
	"github.com/orgexport/orgexport/shared/wire"
)

// Handle serves BeginExport, built from the environment on first use.
var Handle = entry.ServiceFunction("BeginExport", config.LoadBeginExport,
	func(ctx context.Context, c config.BeginExport, log *slog.Logger) (http.Handler, error) {
		pl, _, err := wire.BeginExport(ctx, c, log)
		if err != nil {
			return nil, err
		}
		return &Handler{Pipeline: pl, Log: log}, nil
	})

// Handler runs one begin task.
type Handler struct {
	Pipeline *pipeline.Pipeline
	Log      *slog.Logger
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var t control.BeginTask
	if err := httpapi.Decode(r, &t, false); err != nil {
		httpapi.Write(w, r, h.Log, err)
		return
	}
	if t.CustomerID == "" || t.ExportID == "" {
		httpapi.Write(w, r, h.Log, httpapi.BadRequest("The task must name customer_id and export_id."))
		return
	}
	err := h.Pipeline.Begin(r.Context(), t)
	switch {
	case err == nil:
		h.Log.InfoContext(r.Context(), "begin task done", "customer", t.CustomerID, "export", t.ExportID)
		httpapi.JSON(w, http.StatusOK, map[string]string{"status": "ok"})
	case errors.Is(err, store.ErrNotFound):
		// Permanent: acknowledge so the task is not retried forever.
		h.Log.WarnContext(r.Context(), "begin task for an unknown export", "export", t.ExportID)
		httpapi.JSON(w, http.StatusOK, map[string]string{"status": "unknown export; nothing to do"})
	case errors.Is(err, pipeline.ErrEarly):
		httpapi.Write(w, r, h.Log, httpapi.Unavailable("%s; retry later.", err.Error()))
	default:
		httpapi.Write(w, r, h.Log, err)
	}
}
