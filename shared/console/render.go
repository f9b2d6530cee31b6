package console

import (
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"
)

//go:embed web/templates/*.html
var templateFS embed.FS

//go:embed web/static
var staticFS embed.FS

// page is what every template gets.
type page struct {
	Title string
	// Base is the console's path, API the API's (same origin).
	Base, API string
	// User and CSRF are set on pages of a signed-in admin.
	User, CSRF string
	// Nav marks the current section: "home", "history", "audit".
	Nav string
	// Script is the page's JavaScript module in static/, if any.
	Script string
	Data   any
}

func (s session) page(title, nav string, data any) page {
	return page{Title: title, User: s.Email, CSRF: s.CSRF, Nav: nav, Data: data}
}

var funcs = template.FuncMap{
	"when": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("Mon 2 Jan 2006, 15:04:05 MST")
	},
	"day": func(t time.Time) string { return t.UTC().Format("Monday 2 January 2006") },
	"iso": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	},
	"bytes": humanBytes,
	"dur":   humanDuration,
	"inc":   func(i int) int { return i + 1 },
	"dec":   func(i int) int { return i - 1 },
	"label": stateLabel,
	"lower": strings.ToLower,
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	},
}

var templates = func() map[string]*template.Template {
	names, err := fs.Glob(templateFS, "web/templates/*.html")
	if err != nil {
		panic(err)
	}
	out := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(path.Base(n), ".html")
		if name == "layout" {
			continue
		}
		out[name] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "web/templates/layout.html", n))
	}
	return out
}()

// render writes a page; a failure to render is a server error, logged.
func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	t, ok := templates[name]
	if !ok {
		panic("console: no template " + name)
	}
	p.Base, p.API = base(r), apiBase(r)
	var b strings.Builder
	if err := t.Execute(&b, p); err != nil {
		c.log.ErrorContext(r.Context(), "console page not rendered", "page", name, "error", err)
		http.Error(w, "The page could not be shown. Try again in a minute.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(b.String()))
}

func staticFiles() http.Handler {
	sub, err := fs.Sub(staticFS, "web/static")
	if err != nil {
		panic(err)
	}
	files := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=300")
		files.ServeHTTP(w, r)
	})
}

func urlQuery(s string) string { return url.QueryEscape(s) }

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTP"[exp])
}

// humanDuration says 48h as "48 hours" and 90s as "1 minute 30 seconds".
func humanDuration(d time.Duration) string {
	d = d.Round(time.Second)
	if d <= 0 {
		return "no time"
	}
	parts := []struct {
		n    time.Duration
		name string
	}{{time.Hour, "hour"}, {time.Minute, "minute"}, {time.Second, "second"}}
	var out []string
	for _, p := range parts {
		if k := d / p.n; k > 0 {
			s := fmt.Sprintf("%d %s", k, p.name)
			if k > 1 {
				s += "s"
			}
			out = append(out, s)
			d -= k * p.n
		}
	}
	return strings.Join(out, " ")
}
