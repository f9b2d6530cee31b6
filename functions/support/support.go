// Package support is the Support function: support staff's HTTP API (R14).
//
//	POST /organisations/{customerId}:resetCooldown    {"ticket": "…"}
//	POST /organisations/{customerId}:override         {"until": "RFC 3339 time", "ticket": "…"}
//
// Both answer 200 with the organisation's limits after the action:
//
//	{"customer_id": "C0123abcd", "export_active": false,
//	 "next_export_from": "RFC 3339 time", "override_until": "RFC 3339 time", "override_by": "…"}
//
// (the times only when set). Only the configured support staff may call it, with a Google ID token;
// every call is audited (R15) in the organisation's audit log. Support can
// change limits; it cannot read exports or archives.
package support

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/orgexport/orgexport/shared/auth"
	"github.com/orgexport/orgexport/shared/config"
	"github.com/orgexport/orgexport/shared/control"
	"github.com/orgexport/orgexport/shared/entry"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/httpapi"
	"github.com/orgexport/orgexport/shared/logging"
	"github.com/orgexport/orgexport/shared/wire"
)

// Handle serves Support, built from the environment on first use.
var Handle = entry.AdminFunction("Support", config.LoadSupport, wire.Support, New)

// New is the support API on sup.
func New(_ context.Context, sup *control.Support, _ config.Support, v *auth.Verifier, log *slog.Logger) (http.Handler, error) {
	return &Handler{Support: sup, Verifier: v, Log: log}, nil
}

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
		httpapi.Write(w, r, h.Log, httpapi.Map(err))
		return
	}
	cid, action, ok := parse(r.URL.Path)
	if ok && !export.ValidID(cid) {
		httpapi.Write(w, r, h.Log, httpapi.NotFound("There is no organisation with that customer id; a customer id is letters and digits, as the Admin console shows it (Account → Account settings)."))
		return
	}
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
	var org export.Organisation
	switch action {
	case "resetCooldown":
		org, err = h.Support.ResetCooldown(r.Context(), p, cid, body.Ticket)
	case "override":
		org, err = h.Support.GrantOverride(r.Context(), p, cid, body.Until, body.Ticket)
	}
	if err != nil {
		httpapi.Write(w, r, h.Log, httpapi.Map(err))
		return
	}
	h.Log.InfoContext(r.Context(), "support action", "actor", p.Email, "customer", cid, "action", action)
	httpapi.JSON(w, http.StatusOK, viewOf(org))
}

// Organisation is what Support answers: the organisation's limits after
// the action. It names no export: support never sees exports (R14).
type Organisation struct {
	CustomerID string `json:"customer_id"`
	// ExportActive says an export is on hold, running or being assembled.
	ExportActive bool `json:"export_active"`
	// NextExportFrom is when the 30-day limit lets a new export start
	// (R2b); absent when one may start now.
	NextExportFrom *time.Time `json:"next_export_from,omitempty"`
	// OverrideUntil is when the support override of the 1,000-user limit
	// ends (R14b), and who granted it.
	OverrideUntil *time.Time `json:"override_until,omitempty"`
	OverrideBy    string     `json:"override_by,omitempty"`
}

func viewOf(o export.Organisation) Organisation {
	opt := func(t time.Time) *time.Time {
		if t.IsZero() {
			return nil
		}
		return &t
	}
	return Organisation{CustomerID: o.ID, ExportActive: o.ActiveExport != "",
		NextExportFrom: opt(o.CooldownEnd), OverrideUntil: opt(o.OverrideUntil), OverrideBy: o.OverrideBy}
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
