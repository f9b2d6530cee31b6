package startexport

import (
	"net/http"
	"time"

	"github.com/orgexport/orgexport/shared/auth"
	"github.com/orgexport/orgexport/shared/httpapi"
)

// SetupView is the answer of GET /setup.
type SetupView struct {
	CheckedAt time.Time          `json:"checked_at"`
	Products  []ProductReadiness `json:"products"`
}

// ProductReadiness is one product of the setup check, tried as the admin
// or as a user: ready, or what is missing and how to fix it (both empty
// when ready).
type ProductReadiness struct {
	Product string `json:"product"`
	Ready   bool   `json:"ready"`
	As      string `json:"as"`
	Missing string `json:"missing"`
	Fix     string `json:"fix"`
}

func (h *Handler) setup(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	rep, err := h.Service.Setup(r.Context(), p)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := SetupView{CheckedAt: rep.CheckedAt, Products: make([]ProductReadiness, 0, len(rep.Products))}
	for _, x := range rep.Products {
		v.Products = append(v.Products, ProductReadiness{Product: x.Product, Ready: x.Ready, As: x.As, Missing: x.Missing, Fix: x.Fix})
	}
	httpapi.JSON(w, http.StatusOK, v)
}
