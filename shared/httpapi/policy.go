package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/orgexport/orgexport/shared/auth"
	"github.com/orgexport/orgexport/shared/control"
	"github.com/orgexport/orgexport/shared/export"
)

// Map turns an error of the domain, the control plane or authentication
// into the answer the API gives; an error it does not know stays as it is
// and Write answers it with a 500 that reveals nothing. This is the one
// place errors become HTTP statuses.
func Map(err error) error {
	var (
		he  *Error
		ref *control.RefusedError
		sel *control.SelectionError
		act *export.ActiveError
		cd  *export.CooldownError
		st  *control.StateError
		su  *control.SetupError
		rr  *export.RetryRefusal
	)
	switch {
	case errors.As(err, &he):
		return he
	case errors.Is(err, auth.ErrUnauthenticated):
		return Unauthenticated("%s", strings.TrimPrefix(err.Error(), "unauthenticated: "))
	case errors.Is(err, auth.ErrForbidden), errors.Is(err, control.ErrUnknownUser),
		errors.Is(err, control.ErrNotSuperAdmin), errors.Is(err, control.ErrNotSupport):
		return PermissionDenied("%s", capital(err))
	case errors.As(err, &su):
		return newError(http.StatusForbidden, "FAILED_PRECONDITION", "%s", capital(su))
	case errors.As(err, &ref):
		return PermissionDenied("%s", ref.Error()).WithDetails(map[string]any{"refusals": ref.Refusals})
	case errors.As(err, &sel):
		return BadRequest("%s", sel.Error()).WithDetails(map[string]any{"fields": sel.Fields, "self_service": "https://takeout.google.com"})
	case errors.As(err, &act):
		return Conflict("%s", act.Error()).WithDetails(map[string]any{"export_id": act.ExportID})
	case errors.As(err, &cd):
		return FailedPrecondition("%s", cd.Error()).WithDetails(map[string]any{"next_start": cd.Until})
	case errors.As(err, &st):
		return FailedPrecondition("%s", st.Error())
	case errors.As(err, &rr):
		return FailedPrecondition("%s", rr.Message).WithDetails(map[string]any{"reason": rr.Reason})
	case errors.Is(err, export.ErrNoEstimate):
		return FailedPrecondition("%s", capital(err))
	case errors.Is(err, export.ErrNotFound):
		return NotFound("There is no export with that id in your organisation.")
	case errors.Is(err, control.ErrInvalid):
		return BadRequest("%s", capital(err))
	case errors.Is(err, export.ErrTooEarly):
		return Unavailable("%s; retry later.", capital(err))
	case errors.Is(err, export.ErrBusy):
		return Unavailable("%s", capital(err))
	}
	return err
}

func capital(err error) string {
	s := strings.TrimSuffix(err.Error(), ".")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

// Fail writes err's answer (see Map).
func Fail(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	Write(w, r, log, Map(err))
}

// Validator is a task body that can say what is wrong with it.
type Validator interface{ Validate() error }

// DecodeTask reads a service task's JSON body strictly and validates it:
// a malformed body, or one naming ids orgexport never makes, is a 400.
func DecodeTask[T Validator](r *http.Request) (T, error) {
	var t T
	if err := Decode(r, &t, false); err != nil {
		return t, err
	}
	if err := t.Validate(); err != nil {
		return t, BadRequest("The task is not valid: %s.", err.Error())
	}
	return t, nil
}

// Task serves one kind of service call (a Cloud Task, a Pub/Sub push, a
// Scheduler call) by one policy, so every service function answers alike:
// the body is decoded by decode (400 when it cannot be); run's result is
// answered 200; work for an export or account that does not exist is
// acknowledged with 200, since a redelivery could never succeed; a task
// that came early, or that the organisation's set-up stops (SetupError),
// is 503 so it is delivered again later; any other error
// is answered by Map, so Cloud Tasks and Pub/Sub deliver it again.
func Task[T any](log *slog.Logger, what string, decode func(*http.Request) (T, error), run func(context.Context, T) (any, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t, err := decode(r)
		if err != nil {
			Fail(w, r, log, err)
			return
		}
		res, err := run(r.Context(), t)
		var answer *Error
		switch {
		case errors.As(err, &answer):
			Write(w, r, log, answer) // run chose the answer
		case err == nil:
			log.InfoContext(r.Context(), what+" done", "task", t)
			if res == nil {
				res = map[string]string{"status": "ok"}
			}
			JSON(w, http.StatusOK, res)
		case errors.Is(err, export.ErrNotFound):
			log.WarnContext(r.Context(), what+" for an unknown export or account; acknowledged", "task", t, "error", err)
			JSON(w, http.StatusOK, map[string]string{"status": "unknown export or account; nothing to do"})
		case errors.As(err, new(*control.SetupError)):
			// The organisation's set-up, which an administrator can fix:
			// delivered again later, like any error that is not the task's.
			log.WarnContext(r.Context(), what+" waits for the organisation's set-up", "task", t, "error", err)
			Write(w, r, log, Unavailable("%s", capital(err)))
		default:
			Fail(w, r, log, err)
		}
	})
}

// Run is Task for a task body of type T decoded by DecodeTask, whose work
// answers nothing but its error.
func Run[T Validator](log *slog.Logger, what string, run func(context.Context, T) error) http.Handler {
	return Task(log, what, DecodeTask[T], func(ctx context.Context, t T) (any, error) { return nil, run(ctx, t) })
}
