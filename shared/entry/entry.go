package entry

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"

	"github.com/orgexport/orgexport/shared/auth"
	"github.com/orgexport/orgexport/shared/config"
	"github.com/orgexport/orgexport/shared/httpapi"
	"github.com/orgexport/orgexport/shared/logging"
)

// Logger builds the function's logger from its configuration.
func Logger(c config.Common) *slog.Logger {
	return logging.New(os.Stderr, logging.Options{Format: c.Logging.Format, Level: c.Logging.Level, Project: c.Project})
}

// Lazy returns a handler that builds the real one on first use, from the
// environment. A configuration error is logged and answered with a 500 that
// points to the log, until the deployment is fixed: the answer goes to
// callers not yet authenticated, so it holds no configuration value.
func Lazy(name string, build func(ctx context.Context) (http.Handler, error)) http.HandlerFunc {
	h := sync.OnceValues(func() (http.Handler, error) {
		return build(context.Background())
	})
	return func(w http.ResponseWriter, r *http.Request) {
		handler, err := h()
		if err != nil {
			slog.Error(name+" cannot start", "error", err)
			httpapi.JSON(w, http.StatusInternalServerError, map[string]any{"error": map[string]any{
				"code": 500, "status": "INTERNAL", "message": name + " is misconfigured; its log names the setting to fix."}})
			return
		}
		handler.ServeHTTP(w, r)
	}
}

// Service verifies the caller's service account token, then calls next
// with the request's logging context.
func Service(v *auth.Verifier, log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = r.WithContext(logging.WithRequest(r.Context(), r))
		if _, err := v.Verify(r); err != nil {
			log.WarnContext(r.Context(), "caller refused", "error", err)
			httpapi.Write(w, r, log, MapAuth(err))
			return
		}
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			httpapi.JSON(w, http.StatusMethodNotAllowed, map[string]any{"error": map[string]any{
				"code": 405, "status": "INVALID_ARGUMENT", "message": "Only POST is accepted."}})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// MapAuth turns a verification error into its answer.
func MapAuth(err error) error {
	if errors.Is(err, auth.ErrForbidden) {
		return httpapi.PermissionDenied("This caller may not call this function.")
	}
	if errors.Is(err, auth.ErrUnauthenticated) {
		return httpapi.Unauthenticated("%s", strings.TrimPrefix(err.Error(), "unauthenticated: "))
	}
	return httpapi.Unavailable("The caller's token cannot be checked right now; try again.")
}

// ServiceVerifier builds the verifier for a function's service callers.
func ServiceVerifier(c config.ServiceAuth) (*auth.Verifier, error) {
	return auth.NewVerifier(c.Issuer, c.Audience, auth.Options{AllowedEmails: c.AllowedCallers, BehindCloudRunIAM: c.BehindCloudRunIAM})
}

// ServiceConfig is the configuration of a function that services call.
type ServiceConfig interface {
	Base() config.Common
	Callers() config.ServiceAuth
}

// ServiceFunction is Lazy for the functions that Cloud Tasks, Pub/Sub push
// and Cloud Scheduler call: it loads the configuration, builds the handler
// with build, and puts the check of the caller's token in front of it.
func ServiceFunction[C ServiceConfig](name string, load func(config.Getenv) (C, error),
	build func(ctx context.Context, c C, log *slog.Logger) (http.Handler, error)) http.HandlerFunc {
	return Lazy(name, func(ctx context.Context) (http.Handler, error) {
		c, err := load(os.Getenv)
		if err != nil {
			return nil, err
		}
		log := Logger(c.Base())
		h, err := build(ctx, c, log)
		if err != nil {
			return nil, err
		}
		v, err := ServiceVerifier(c.Callers())
		if err != nil {
			return nil, err
		}
		return Service(v, log, h), nil
	})
}
