// Package startexport is the StartExport function: the admins' HTTP API.
//
//	POST /exports               start an export of the caller's organisation (R1–R5)
//	GET  /exports               list the organisation's exports
//	GET  /exports/{id}          one export: state, times, progress, links
//	POST /exports/{id}:cancel   cancel during the hold (R3d) or while running
//	POST /exports/{id}:retryFailed  export again only what failed (R16)
//	GET  /exports/{id}/downloads signed URLs of the archive's objects (R18)
//	GET  /audit                 the organisation's audit log (R15)
//	GET  /setup                 the setup check: each product ready, or what is missing and the fix
//	GET  /exports/estimate      the estimate from the usage reports: bytes, parts, duration
//
// Every call carries a Google ID token (Authorization: Bearer), or, for the
// admin console's own reads (GET), its session cookie. The caller's
// organisation comes from the verified token and the Directory, never from
// the request. The console (package console) is served beside the API under
// /console.
package startexport

import (
	"context"
	"log/slog"
	"net/http"
	"strings"

	"github.com/orgexport/orgexport/shared/auth"
	"github.com/orgexport/orgexport/shared/config"
	"github.com/orgexport/orgexport/shared/control"
	"github.com/orgexport/orgexport/shared/entry"
	"github.com/orgexport/orgexport/shared/export"
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
	// Downloads signs download URLs; nil: not offered (downloads.go).
	Downloads DownloadSigner
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
	if id != "" && !export.ValidID(id) {
		// No export has such an id: answered as one that does not exist,
		// without asking the store.
		h.fail(w, r, export.ErrNotFound)
		return
	}
	switch {
	case route == "exports" && r.Method == http.MethodPost:
		h.start(w, r, p)
	case route == "exports" && r.Method == http.MethodGet:
		h.list(w, r, p)
	case route == "export" && r.Method == http.MethodGet:
		h.get(w, r, p, id)
	case route == "cancel" && r.Method == http.MethodPost:
		h.cancel(w, r, p, id)
	case route == "retryFailed" && r.Method == http.MethodPost:
		h.retryFailed(w, r, p, id)
	case route == "audit" && r.Method == http.MethodGet:
		h.audit(w, r, p)
	case route == "downloads" && r.Method == http.MethodGet:
		h.downloads(w, r, p, id)
	case route == "setup" && r.Method == http.MethodGet:
		h.setup(w, r, p)
	case route == "estimate" && r.Method == http.MethodGet:
		h.estimate(w, r, p)
	case route == "":
		h.fail(w, r, httpapi.NotFound("There is no such resource. The API serves /exports, /exports/{id}, /exports/{id}:cancel, /exports/{id}:retryFailed, /exports/{id}/downloads, /exports/estimate, /audit and /setup."))
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
	case "cancel", "retryFailed":
		return "POST"
	}
	return "GET"
}

// parse finds the route in the path's last segments.
func parse(path string) (route, id string) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	n := len(segs)
	switch {
	case n >= 3 && segs[n-3] == "exports" && segs[n-1] == "downloads":
		return "downloads", segs[n-2]
	case n >= 1 && segs[n-1] == "exports":
		return "exports", ""
	case n >= 1 && segs[n-1] == "audit":
		return "audit", ""
	case n >= 1 && segs[n-1] == "setup":
		return "setup", ""
	case n >= 2 && segs[n-2] == "exports" && segs[n-1] == "estimate":
		return "estimate", ""
	case n >= 2 && segs[n-2] == "exports":
		if id, ok := strings.CutSuffix(segs[n-1], ":cancel"); ok {
			return "cancel", id
		}
		if id, ok := strings.CutSuffix(segs[n-1], ":retryFailed"); ok {
			return "retryFailed", id
		}
		return "export", segs[n-1]
	}
	return "", ""
}

// fail maps every error of the control plane to its answer (httpapi.Map).
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	httpapi.Fail(w, r, h.Log, err)
}

// Handle serves StartExport, built from the environment on first use.
var Handle = entry.AdminFunction("StartExport", config.LoadStartExport, wire.StartExport, New)

// New is the admins' API on the control plane svc, with the signed
// downloads of archives.
func New(ctx context.Context, svc *control.Service, c config.StartExport, v *auth.Verifier, log *slog.Logger) (http.Handler, error) {
	dl, err := newDownloads(ctx, c)
	if err != nil {
		return nil, err
	}
	con, _, err := wire.Console(ctx, c, svc, log)
	if err != nil {
		return nil, err
	}
	return &Handler{Service: svc, Verifier: v, Log: log, ArchiveURL: c.Mail.ArchiveURL, Downloads: dl, Console: con}, nil
}
