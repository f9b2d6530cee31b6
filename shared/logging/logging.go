package logging

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
)

// Options select the format and level.
type Options struct {
	Format  string // "json" (default) or "text"
	Level   string // "debug", "info" (default), "warn", "error"
	Project string // for the trace field's full resource name
}

// New returns a logger writing to w.
func New(w io.Writer, o Options) *slog.Logger {
	ho := &slog.HandlerOptions{Level: level(o.Level), ReplaceAttr: cloudLoggingNames}
	var h slog.Handler
	if o.Format == "text" {
		ho.ReplaceAttr = nil
		h = slog.NewTextHandler(w, ho)
	} else {
		h = slog.NewJSONHandler(w, ho)
	}
	return slog.New(&contextHandler{Handler: h, project: o.Project})
}

func level(s string) slog.Level {
	switch s {
	case "debug":
		return slog.LevelDebug
	case "warn":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	}
	return slog.LevelInfo
}

// cloudLoggingNames renames slog's keys to the ones Cloud Logging reads.
func cloudLoggingNames(groups []string, a slog.Attr) slog.Attr {
	if len(groups) > 0 {
		return a
	}
	switch a.Key {
	case slog.MessageKey:
		a.Key = "message"
	case slog.LevelKey:
		a.Key = "severity"
		if l, ok := a.Value.Any().(slog.Level); ok {
			a.Value = slog.StringValue(severity(l))
		}
	case slog.SourceKey:
		a.Key = "logging.googleapis.com/sourceLocation"
	}
	return a
}

func severity(l slog.Level) string {
	switch {
	case l >= slog.LevelError:
		return "ERROR"
	case l >= slog.LevelWarn:
		return "WARNING"
	case l >= slog.LevelInfo:
		return "INFO"
	}
	return "DEBUG"
}

type ctxKey struct{}

type requestIDs struct {
	trace, span, execution string
}

// WithRequest returns a context carrying the request's trace and execution
// ids, read from the headers Cloud Run and Cloud Functions set.
func WithRequest(ctx context.Context, r *http.Request) context.Context {
	ids := requestIDs{execution: r.Header.Get("Function-Execution-Id")}
	if tc := r.Header.Get("X-Cloud-Trace-Context"); tc != "" {
		trace, rest, _ := strings.Cut(tc, "/")
		span, _, _ := strings.Cut(rest, ";")
		ids.trace, ids.span = trace, span
	} else if tp := r.Header.Get("Traceparent"); tp != "" {
		if parts := strings.Split(tp, "-"); len(parts) == 4 {
			ids.trace, ids.span = parts[1], parts[2]
		}
	}
	if ids.execution == "" {
		ids.execution = r.Header.Get("X-CloudTasks-TaskName")
	}
	return context.WithValue(ctx, ctxKey{}, ids)
}

// WithExecution returns a context carrying an execution id, for entry points
// that are not HTTP requests.
func WithExecution(ctx context.Context, id string) context.Context {
	ids, _ := ctx.Value(ctxKey{}).(requestIDs)
	ids.execution = id
	return context.WithValue(ctx, ctxKey{}, ids)
}

type contextHandler struct {
	slog.Handler
	project string
}

func (h *contextHandler) Handle(ctx context.Context, rec slog.Record) error {
	if ids, ok := ctx.Value(ctxKey{}).(requestIDs); ok {
		if ids.trace != "" {
			t := ids.trace
			if h.project != "" {
				t = "projects/" + h.project + "/traces/" + t
			}
			rec.AddAttrs(slog.String("logging.googleapis.com/trace", t))
		}
		if ids.span != "" {
			rec.AddAttrs(slog.String("logging.googleapis.com/spanId", ids.span))
		}
		if ids.execution != "" {
			rec.AddAttrs(slog.String("execution_id", ids.execution))
		}
	}
	return h.Handler.Handle(ctx, rec)
}

func (h *contextHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &contextHandler{Handler: h.Handler.WithAttrs(as), project: h.project}
}

func (h *contextHandler) WithGroup(name string) slog.Handler {
	return &contextHandler{Handler: h.Handler.WithGroup(name), project: h.project}
}
