// Package startexport is the StartExport function: the admins' HTTP API.
//
//	POST /exports               start an export of the caller's organisation (R1–R5)
//	GET  /exports               list the organisation's exports
//	GET  /exports/{id}          one export: state, times, progress, links
//	POST /exports/{id}:cancel   cancel during the hold (R3d) or while running
//	GET  /audit                 the organisation's audit log (R15)
//
// Every call carries a Google ID token (Authorization: Bearer), or, for the
// admin console's own reads (GET), its session cookie. The caller's
// organisation comes from the verified token and the Directory, never from
// the request. The console (package console) is served beside the API under
// /console.
package startexport

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"strings"

	"github.com/orgexport/orgexport/shared/auth"
	"github.com/orgexport/orgexport/shared/config"
	"github.com/orgexport/orgexport/shared/control"
	"github.com/orgexport/orgexport/shared/entry"
	"github.com/orgexport/orgexport/shared/httpapi"
	"github.com/orgexport/orgexport/shared/logging"
	"github.com/orgexport/orgexport/shared/wire"
)

// Handler serves the API.
type Handler struct {
	Service  *control.Service
	Verifier *auth.Verifier
	Log      *slog.Logger
	// ArchiveURL is the base of links to archive objects.
	ArchiveURL string
	// Console, when set, serves the admin console's pages and signs in
	// the console's read-only API calls.
	Console Console
}

// Console is the admin console served beside the API.
type Console interface {
	http.Handler
	// Owns reports whether a request is for the console's pages.
	Owns(r *http.Request) bool
	// Session returns the signed-in admin of a GET made by the pages.
	Session(r *http.Request) (auth.Principal, bool)
}

// ServeHTTP routes by the path's tail, so the API works under any prefix
// (a Cloud Functions URL ends in /StartExport).
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r = r.WithContext(logging.WithRequest(r.Context(), r))
	if h.Console != nil && h.Console.Owns(r) {
		h.Console.ServeHTTP(w, r)
		return
	}
	p, err := h.Verifier.Verify(r)
	if sp, ok := h.session(r); err != nil && ok {
		p, err = sp, nil
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	route, id := parse(r.URL.Path)
	switch {
	case route == "exports" && r.Method == http.MethodPost:
		h.start(w, r, p)
	case route == "exports" && r.Method == http.MethodGet:
		h.list(w, r, p)
	case route == "export" && r.Method == http.MethodGet:
		h.get(w, r, p, id)
	case route == "cancel" && r.Method == http.MethodPost:
		h.cancel(w, r, p, id)
	case route == "audit" && r.Method == http.MethodGet:
		h.audit(w, r, p)
	case route == "":
		h.fail(w, r, httpapi.NotFound("There is no such resource. The API serves /exports, /exports/{id}, /exports/{id}:cancel and /audit."))
	default:
		w.Header().Set("Allow", allow(route))
		httpapi.JSON(w, http.StatusMethodNotAllowed, map[string]any{"error": map[string]any{
			"code": 405, "status": "INVALID_ARGUMENT", "message": r.Method + " is not allowed here; use " + allow(route) + "."}})
	}
}

// session finds the console's signed-in admin on a request without a
// bearer token.
func (h *Handler) session(r *http.Request) (auth.Principal, bool) {
	if h.Console == nil || r.Header.Get("Authorization") != "" {
		return auth.Principal{}, false
	}
	return h.Console.Session(r)
}

func allow(route string) string {
	switch route {
	case "exports":
		return "GET, POST"
	case "cancel":
		return "POST"
	}
	return "GET"
}

// parse finds the route in the path's last segments.
func parse(path string) (route, id string) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	n := len(segs)
	switch {
	case n >= 1 && segs[n-1] == "exports":
		return "exports", ""
	case n >= 1 && segs[n-1] == "audit":
		return "audit", ""
	case n >= 2 && segs[n-2] == "exports":
		if id, ok := strings.CutSuffix(segs[n-1], ":cancel"); ok {
			return "cancel", id
		}
		return "export", segs[n-1]
	}
	return "", ""
}

// fail maps every error of the control plane to its answer, once.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	httpapi.Write(w, r, h.Log, Map(err))
}

// Map turns control-plane errors into HTTP answers.
func Map(err error) error {
	var (
		he  *httpapi.Error
		ref *control.RefusedError
		sel *control.SelectionError
		act *control.ActiveError
		cd  *control.CooldownError
		st  *control.StateError
	)
	switch {
	case errors.As(err, &he):
		return he
	case errors.Is(err, auth.ErrUnauthenticated):
		return httpapi.Unauthenticated("%s", strings.TrimPrefix(err.Error(), "unauthenticated: "))
	case errors.Is(err, auth.ErrForbidden), errors.Is(err, control.ErrUnknownUser),
		errors.Is(err, control.ErrNotSuperAdmin), errors.Is(err, control.ErrNotSupport):
		return httpapi.PermissionDenied("%s", capital(err))
	case errors.As(err, &ref):
		return httpapi.PermissionDenied("%s", ref.Error()).WithDetails(map[string]any{"refusals": ref.Refusals})
	case errors.As(err, &sel):
		return httpapi.BadRequest("%s", sel.Error()).WithDetails(map[string]any{"fields": sel.Fields, "self_service": "https://takeout.google.com"})
	case errors.As(err, &act):
		return httpapi.Conflict("%s", act.Error()).WithDetails(map[string]any{"export_id": act.ExportID})
	case errors.As(err, &cd):
		return httpapi.FailedPrecondition("%s", cd.Error()).WithDetails(map[string]any{"next_start": cd.Until})
	case errors.As(err, &st):
		return httpapi.FailedPrecondition("%s", st.Error())
	case errors.Is(err, control.ErrNotFound):
		return httpapi.NotFound("There is no export with that id in your organisation.")
	case errors.Is(err, control.ErrInvalid):
		return httpapi.BadRequest("%s", capital(err))
	}
	return err
}

func capital(err error) string {
	s := err.Error()
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

// Handle serves StartExport, built from the environment on first use.
var Handle = entry.Lazy("StartExport", func(ctx context.Context) (http.Handler, error) {
	c, err := config.LoadStartExport(os.Getenv)
	if err != nil {
		return nil, err
	}
	log := entry.Logger(c.Common)
	svc, _, err := wire.StartExport(ctx, c, log)
	if err != nil {
		return nil, err
	}
	v, err := auth.NewVerifier(c.Admin.Issuer, c.Admin.Audience, auth.Options{})
	if err != nil {
		return nil, err
	}
	con, _, err := wire.Console(ctx, c, svc, log)
	if err != nil {
		return nil, err
	}
	return &Handler{Service: svc, Verifier: v, Log: log, ArchiveURL: c.Mail.ArchiveURL, Console: con}, nil
})
