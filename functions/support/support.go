// Package support is the Support function: support staff's HTTP API (R14).
//
//	POST /organisations/{customerId}:resetCooldown    {"ticket": "…"}
//	POST /organisations/{customerId}:override         {"until": "RFC 3339 time", "ticket": "…"}
//
// Only the configured support staff may call it, with a Google ID token;
// every call is audited (R15) in the organisation's audit log. Support can
// change limits; it cannot read exports or archives.
package support

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/orgexport/orgexport/functions/startexport"
	"github.com/orgexport/orgexport/shared/auth"
	"github.com/orgexport/orgexport/shared/config"
	"github.com/orgexport/orgexport/shared/control"
	"github.com/orgexport/orgexport/shared/entry"
	"github.com/orgexport/orgexport/shared/httpapi"
	"github.com/orgexport/orgexport/shared/logging"
	"github.com/orgexport/orgexport/shared/wire"
)

// Handle serves Support, built from the environment on first use.
var Handle = entry.Lazy("Support", func(ctx context.Context) (http.Handler, error) {
	c, err := config.LoadSupport(os.Getenv)
	if err != nil {
		return nil, err
	}
	log := entry.Logger(c.Common)
	sup, _, err := wire.Support(ctx, c, log)
	if err != nil {
		return nil, err
	}
	v, err := auth.NewVerifier(c.Admin.Issuer, c.Admin.Audience, auth.Options{})
	if err != nil {
		return nil, err
	}
	return &Handler{Support: sup, Verifier: v, Log: log}, nil
})

// Handler serves the support API.
type Handler struct {
	Support  *control.Support
	Verifier *auth.Verifier
	Log      *slog.Logger
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r = r.WithContext(logging.WithRequest(r.Context(), r))
	p, err := h.Verifier.Verify(r)
	if err != nil {
		httpapi.Write(w, r, h.Log, startexport.Map(err))
		return
	}
	cid, action, ok := parse(r.URL.Path)
	if !ok || r.Method != http.MethodPost {
		httpapi.Write(w, r, h.Log, httpapi.NotFound("Use POST /organisations/{customerId}:resetCooldown or POST /organisations/{customerId}:override."))
		return
	}
	var body struct {
		Until  time.Time `json:"until"`
		Ticket string    `json:"ticket"`
	}
	if err := httpapi.Decode(r, &body, false); err != nil {
		httpapi.Write(w, r, h.Log, err)
		return
	}
	if strings.TrimSpace(body.Ticket) == "" || len(body.Ticket) > 200 {
		httpapi.Write(w, r, h.Log, httpapi.BadRequest("Name the support ticket (\"ticket\", at most 200 characters); it is recorded in the audit log."))
		return
	}
	var org any
	switch action {
	case "resetCooldown":
		org, err = h.Support.ResetCooldown(r.Context(), p, cid, body.Ticket)
	case "override":
		org, err = h.Support.GrantOverride(r.Context(), p, cid, body.Until, body.Ticket)
	}
	if err != nil {
		httpapi.Write(w, r, h.Log, startexport.Map(err))
		return
	}
	h.Log.InfoContext(r.Context(), "support action", "actor", p.Email, "customer", cid, "action", action)
	httpapi.JSON(w, http.StatusOK, org)
}

func parse(path string) (cid, action string, ok bool) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	if len(segs) < 2 || segs[len(segs)-2] != "organisations" {
		return "", "", false
	}
	cid, action, ok = strings.Cut(segs[len(segs)-1], ":")
	if !ok || cid == "" || (action != "resetCooldown" && action != "override") {
		return "", "", false
	}
	return cid, action, true
}
