package entry

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"

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

// Closer is what a builder opened (wire.Closers).
type Closer interface{ Close() error }

// Builder builds a function's dependencies from its configuration (one of
// package wire's builders).
type Builder[C, P any, K Closer] func(ctx context.Context, c C, log *slog.Logger) (P, K, error)

// ServiceConfig is the configuration of a function that services call.
type ServiceConfig interface {
	Base() config.Common
	Callers() config.ServiceAuth
}

// ServiceFunction is the start of every function that Cloud Tasks, Pub/Sub
// push and Cloud Scheduler call: on first use it loads the configuration,
// builds the dependencies with build and the handler with handler, and
// puts the check of the caller's token in front of it. It fails closed: a
// function whose allowed callers are not configured does not start.
func ServiceFunction[C ServiceConfig, P any, K Closer](name string, load func(config.Getenv) (C, error),
	build Builder[C, P, K], handler func(P, *slog.Logger) http.Handler) http.HandlerFunc {
	return Lazy(name, func(ctx context.Context) (http.Handler, error) {
		c, err := load(os.Getenv)
		if err != nil {
			return nil, err
		}
		v, err := ServiceVerifier(c.Callers())
		if err != nil {
			return nil, err
		}
		log := Logger(c.Base())
		deps, closer, err := build(ctx, c, log)
		if err != nil {
			return nil, err
		}
		closeOnShutdown(closer, log)
		return Service(v, log, handler(deps, log)), nil
	})
}

// ServiceVerifier builds the verifier of a service function's callers: it
// fails closed without any, and accepts tokens whose signature Cloud Run
// removed only when the function is configured to sit behind Cloud Run IAM.
func ServiceVerifier(c config.ServiceAuth) (*auth.Verifier, error) {
	return auth.NewServiceVerifier(c.Issuer, c.Audience, c.AllowedCallers, auth.Options{BehindCloudRunIAM: c.BehindCloudRunIAM})
}

// AdminConfig is the configuration of a function that people call with
// Google ID tokens.
type AdminConfig interface {
	Base() config.Common
	Admins() config.AdminAuth
}

// AdminFunction is the start of the functions people call (StartExport,
// Support): like ServiceFunction, but the handler gets the verifier of
// people's ID tokens and checks them itself, route by route.
func AdminFunction[C AdminConfig, P any, K Closer](name string, load func(config.Getenv) (C, error),
	build Builder[C, P, K], handler func(context.Context, P, C, *auth.Verifier, *slog.Logger) (http.Handler, error)) http.HandlerFunc {
	return Lazy(name, func(ctx context.Context) (http.Handler, error) {
		c, err := load(os.Getenv)
		if err != nil {
			return nil, err
		}
		a := c.Admins()
		v, err := auth.NewVerifier(a.Issuer, a.Audience, auth.Options{OtherAudiences: a.OtherAudiences})
		if err != nil {
			return nil, err
		}
		log := Logger(c.Base())
		deps, closer, err := build(ctx, c, log)
		if err != nil {
			return nil, err
		}
		closeOnShutdown(closer, log)
		return handler(ctx, deps, c, v, log)
	})
}

// closeOnShutdown closes what the function opened when the platform stops
// the instance (Cloud Run sends SIGTERM and waits up to 10 seconds), then
// lets the signal end the process as it would have.
func closeOnShutdown(c Closer, log *slog.Logger) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGTERM)
	go func() {
		sig := <-ch
		if err := c.Close(); err != nil {
			log.Warn("closing on shutdown", "error", err)
		}
		signal.Reset(syscall.SIGTERM)
		if p, err := os.FindProcess(os.Getpid()); err == nil {
			_ = p.Signal(sig)
		}
	}()
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

// MapAuth turns a verification error into its answer: httpapi.Map's, and
// a 503 when the issuer's keys cannot be read.
func MapAuth(err error) error {
	if m := httpapi.Map(err); m != err {
		return m
	}
	return httpapi.Unavailable("The caller's token cannot be checked right now; try again.")
}
