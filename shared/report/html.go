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
	if err := r.writeHTML(bw); err != nil {
		return fmt.Errorf("report.html: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("report.html: %w", err)
	}
	return nil
}

func (r *Report) writeHTML(w io.Writer) error {
	head := headView{Export: r.export, Totals: r.totals, Unsupported: r.unsupported, WithErrors: len(r.withErrors), Retries: r.retries}
	if err := page.ExecuteTemplate(w, "head", head); err != nil {
		return err
	}
	for i := range r.withErrors {
		if err := writeAccountHTML(w, &r.withErrors[i]); err != nil {
			return err
		}
	}
	if err := page.ExecuteTemplate(w, "quiet-open", len(r.withoutErrors)); err != nil {
		return err
	}
	for i := range r.withoutErrors {
		if err := page.ExecuteTemplate(w, "quiet", &r.withoutErrors[i]); err != nil {
			return err
		}
	}
	return page.ExecuteTemplate(w, "foot", len(r.withoutErrors) > 0)
}

// writeAccountHTML writes one account with errors; its list of failed
// files is opened at the first failure, so an account whose errors are
// all account-level shows no empty list.
func writeAccountHTML(w io.Writer, a *Account) error {
	if err := page.ExecuteTemplate(w, "account", a); err != nil {
		return err
	}
	open := false
	if a.Failures != nil {
		for f, err := range a.Failures {
			if err != nil {
				return fmt.Errorf("failures of %s: %w", a.ID, err)
			}
			if !open {
				if err := page.ExecuteTemplate(w, "failures-open", a); err != nil {
					return err
				}
				open = true
			}
			if err := page.ExecuteTemplate(w, "failure", f); err != nil {
				return err
			}
		}
	}
	if open {
		if err := page.ExecuteTemplate(w, "failures-close", nil); err != nil {
			return err
		}
	}
	return page.ExecuteTemplate(w, "account-close", nil)
}
