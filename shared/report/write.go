package report

import (
	"bufio"
	"fmt"
	"io"

	"github.com/orgexport/orgexport/shared/connector"
)

// A form is one of the report's files, written account by account.
type form interface {
	head(r *Report) error
	// account opens the i-th account with errors; failure is its n-th
	// failed item; accountEnd closes it after failures of them.
	account(i int, a *Account) error
	failure(a *Account, n int, f connector.Failure) error
	accountEnd(a *Account, failures int) error
	// quietOpen opens the accounts without errors, quiet is the i-th.
	quietOpen(r *Report) error
	quiet(i int, a *Account) error
	foot(r *Report) error
}

// write writes the report in form f, reading each account's failed items
// once, in order.
func (r *Report) write(f form) error {
	if err := f.head(r); err != nil {
		return err
	}
	for i := range r.withErrors {
		a := &r.withErrors[i]
		if err := f.account(i, a); err != nil {
			return err
		}
		n := 0
		if a.Failures != nil {
			for fl, err := range a.Failures {
				if err != nil {
					return fmt.Errorf("failures of %s: %w", a.ID, err)
				}
				if err := f.failure(a, n, fl); err != nil {
					return err
				}
				n++
			}
		}
		if err := f.accountEnd(a, n); err != nil {
			return err
		}
	}
	if err := f.quietOpen(r); err != nil {
		return err
	}
	for i := range r.withoutErrors {
		if err := f.quiet(i, &r.withoutErrors[i]); err != nil {
			return err
		}
	}
	return f.foot(r)
}

// WriteBoth writes report.html to html and report.json to js in one pass,
// the same bytes as WriteHTML and WriteJSON write, reading each account's
// failed items once for both: an assembly reads them from the bucket. On
// error both outputs are incomplete and must not be published.
func (r *Report) WriteBoth(html, js io.Writer) error {
	hw, jw := bufio.NewWriterSize(html, 64<<10), bufio.NewWriterSize(js, 64<<10)
	if err := r.write(forms{htmlForm{hw}, jsonForm{jw}}); err != nil {
		return fmt.Errorf("report.html and report.json: %w", err)
	}
	if err := hw.Flush(); err != nil {
		return fmt.Errorf("report.html: %w", err)
	}
	if err := jw.Flush(); err != nil {
		return fmt.Errorf("report.json: %w", err)
	}
	return nil
}

// forms writes several forms at once.
type forms []form

func (fs forms) each(do func(form) error) error {
	for _, f := range fs {
		if err := do(f); err != nil {
			return err
		}
	}
	return nil
}

func (fs forms) head(r *Report) error { return fs.each(func(f form) error { return f.head(r) }) }
func (fs forms) account(i int, a *Account) error {
	return fs.each(func(f form) error { return f.account(i, a) })
}
func (fs forms) failure(a *Account, n int, fl connector.Failure) error {
	return fs.each(func(f form) error { return f.failure(a, n, fl) })
}
func (fs forms) accountEnd(a *Account, failures int) error {
	return fs.each(func(f form) error { return f.accountEnd(a, failures) })
}
func (fs forms) quietOpen(r *Report) error {
	return fs.each(func(f form) error { return f.quietOpen(r) })
}
func (fs forms) quiet(i int, a *Account) error {
	return fs.each(func(f form) error { return f.quiet(i, a) })
}
func (fs forms) foot(r *Report) error { return fs.each(func(f form) error { return f.foot(r) }) }
