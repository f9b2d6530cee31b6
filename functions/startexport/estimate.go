package startexport

import (
	"net/http"
	"time"

	"github.com/orgexport/orgexport/shared/auth"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/httpapi"
)

// EstimateView is the answer of GET /exports/estimate: what an export of
// the caller's organisation would take, from Google's usage reports of
// Date (they lag by days) under the configured quotas.
type EstimateView struct {
	export.Estimate
	DurationSeconds float64 `json:"duration_seconds"`
	Duration        string  `json:"duration"`
}

func estimateView(e export.Estimate) EstimateView {
	return EstimateView{Estimate: e, DurationSeconds: e.Duration.Seconds(), Duration: e.Duration.Round(time.Second).String()}
}

func (h *Handler) estimate(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	e, err := h.Service.Estimate(r.Context(), p)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	httpapi.JSON(w, http.StatusOK, estimateView(e))
}
