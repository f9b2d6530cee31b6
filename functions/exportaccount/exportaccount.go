// Package exportaccount is the ExportAccount function: the Cloud Tasks
// target that exports one part of one account's data into a numbered zip in
// the bucket (R7, R8), and hands over to a continuation task or finishes the
// account.
package exportaccount

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

// Handle serves ExportAccount, built from the environment on first use.
var Handle = entry.ServiceFunction("ExportAccount", config.LoadExportAccount,
	func(ctx context.Context, c config.ExportAccount, log *slog.Logger) (http.Handler, error) {
		pl, _, err := wire.ExportAccount(ctx, c, log)
		if err != nil {
			return nil, err
		}
		return &Handler{Pipeline: pl, Log: log}, nil
	})

// Handler runs one account task.
type Handler struct {
	Pipeline *pipeline.Pipeline
	Log      *slog.Logger
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var t control.AccountTask
	if err := httpapi.Decode(r, &t, false); err != nil {
		httpapi.Write(w, r, h.Log, err)
		return
	}
	if t.CustomerID == "" || t.ExportID == "" || t.AccountKey == "" || t.Part < 1 {
		httpapi.Write(w, r, h.Log, httpapi.BadRequest("The task must name customer_id, export_id, account_key and a part from 1."))
		return
	}
	err := h.Pipeline.Account(r.Context(), t)
	switch {
	case err == nil:
		h.Log.InfoContext(r.Context(), "account part done", "export", t.ExportID, "account", t.AccountKey, "part", t.Part)
		httpapi.JSON(w, http.StatusOK, map[string]string{"status": "ok"})
	case errors.Is(err, store.ErrNotFound):
		h.Log.WarnContext(r.Context(), "account task for an unknown export or account", "export", t.ExportID, "account", t.AccountKey)
		httpapi.JSON(w, http.StatusOK, map[string]string{"status": "unknown export or account; nothing to do"})
	default:
		// Cloud Tasks retries the same part; it is redone under the same name.
		httpapi.Write(w, r, h.Log, err)
	}
}
