package report

import (
	"bufio"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
)

//go:embed report.html.tmpl
var htmlSource string

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"utc":        formatTime,
	"label":      func(t export.AccountType) string { return t.Label() },
	"href":       partHref,
	"stateLabel": stateLabel,
	"num":        groupDigits,
	"retried":    retriedLabel,
}).Parse(htmlSource))

// retriedLabel says how a retry exported a product again (R16).
func retriedLabel(how string) string {
	switch how {
	case export.RetriedItems:
		return "the failed items, fetched again by id"
	case export.RetriedWhole:
		return "run again whole: it failed as a whole"
	case export.RetriedWholeNoItems:
		return "run again whole: this product cannot fetch single items again"
	}
	return how
}

// formatTime shows a time in UTC, ISO 8601, or "not yet" for the zero time.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return "not yet"
	}
	return t.UTC().Format(time.RFC3339)
}

// groupDigits writes a count with comma thousands separators, the same
// under every locale: 26000000 → "26,000,000".
func groupDigits(n any) string {
	var s string
	switch n := n.(type) {
	case int:
		s = strconv.Itoa(n)
	case int64:
		s = strconv.FormatInt(n, 10)
	default:
		s = fmt.Sprint(n)
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// partHref is the relative link to a part: each segment percent-escaped,
// behind "./" so no segment can be read as a URL scheme.
func partHref(part string) string {
	segs := strings.Split(part, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return "./" + strings.Join(segs, "/")
}

func stateLabel(s export.State) string {
	switch s {
	case export.OnHold:
		return "On hold"
	case export.Running:
		return "Running"
	case export.Assembling:
		return "Assembling"
	case export.Completed:
		return "Completed"
	case export.CompletedWithErrors:
		return "Completed with errors"
	case export.Cancelled:
		return "Cancelled"
	case export.Expired:
		return "Expired"
	}
	return string(s)
}

type headView struct {
	Export      Export
	Totals      Totals
	Unsupported []Unsupported
	WithErrors  int
	Retries     []Retry
}

// WriteHTML writes report.html to w. It streams: failed items go from each
// account's Failures iterator to w without being collected. On error the
// output is incomplete and must not be published.
func (r *Report) WriteHTML(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := r.write(htmlForm{bw}); err != nil {
		return fmt.Errorf("report.html: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("report.html: %w", err)
	}
	return nil
}

// htmlForm writes report.html. An account's list of failed files is
// opened at the first failure, so an account whose errors are all
// account-level shows no empty list.
type htmlForm struct{ w io.Writer }

func (f htmlForm) head(r *Report) error {
	return page.ExecuteTemplate(f.w, "head", headView{Export: r.export, Totals: r.totals, Unsupported: r.unsupported,
		WithErrors: len(r.withErrors), Retries: r.retries})
}

func (f htmlForm) account(_ int, a *Account) error { return page.ExecuteTemplate(f.w, "account", a) }

func (f htmlForm) failure(a *Account, n int, fl connector.Failure) error {
	if n == 0 {
		if err := page.ExecuteTemplate(f.w, "failures-open", a); err != nil {
			return err
		}
	}
	return page.ExecuteTemplate(f.w, "failure", fl)
}

func (f htmlForm) accountEnd(_ *Account, failures int) error {
	if failures > 0 {
		if err := page.ExecuteTemplate(f.w, "failures-close", nil); err != nil {
			return err
		}
	}
	return page.ExecuteTemplate(f.w, "account-close", nil)
}

func (f htmlForm) quietOpen(r *Report) error {
	return page.ExecuteTemplate(f.w, "quiet-open", len(r.withoutErrors))
}

func (f htmlForm) quiet(_ int, a *Account) error { return page.ExecuteTemplate(f.w, "quiet", a) }

func (f htmlForm) foot(r *Report) error {
	return page.ExecuteTemplate(f.w, "foot", len(r.withoutErrors) > 0)
}
