package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/orgexport/orgexport/emulators/devstack"
	"github.com/orgexport/orgexport/functions/startexport"
	"github.com/orgexport/orgexport/shared/export"
)

// driver plays the admin: it calls the API as a browser console would.
type driver struct {
	stack *devstack.Stack
	out   io.Writer
}

type exportView struct {
	startexport.View
	customer string
}

func (v exportView) prefix() string { return v.customer + "/" + v.ID + "/" }

// call sends an authenticated request to StartExport and decodes the answer.
func (d *driver) call(ctx context.Context, admin, method, path string, body any, into any) (int, error) {
	tok, err := d.stack.AdminToken(admin)
	if err != nil {
		return 0, err
	}
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, d.stack.URLs["StartExport"]+path, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		return resp.StatusCode, fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, data)
	}
	return resp.StatusCode, json.Unmarshal(data, into)
}

// estimate prints what GET /exports/estimate predicts, or why it cannot.
func (d *driver) estimate(ctx context.Context, admin string) {
	var e startexport.EstimateView
	if _, err := d.call(ctx, admin, http.MethodGet, "/exports/estimate", nil, &e); err != nil {
		fmt.Fprintf(d.out, "\nNo estimate: %v\n", err)
		return
	}
	fmt.Fprintf(d.out, "\nEstimate (usage reports of %s, %d users): %s in %d parts, %s under the quotas (bound by %s).\n",
		e.Date, e.Users, size(e.Bytes), e.Parts, e.Duration, e.Binding)
}

func (d *driver) start(ctx context.Context, admin string) (exportView, error) {
	var v exportView
	fmt.Fprintf(d.out, "\nSigned in as %s. Starting the export…\n", admin)
	if _, err := d.call(ctx, admin, http.MethodPost, "/exports", map[string]any{}, &v.View); err != nil {
		return v, err
	}
	v.customer = d.stack.Workspace.Org().Customer().ID
	fmt.Fprintf(d.out, "Export %s is %s; it starts exporting data at %s (hold %s).\n",
		v.ID, v.State, v.HoldEnd.Format(time.RFC3339), v.HoldEnd.Sub(v.RequestedAt))
	return v, nil
}

// follow polls the export until it is final, printing progress.
func (d *driver) follow(ctx context.Context, admin, id string) (exportView, error) {
	t0 := time.Now()
	last := ""
	for {
		var v exportView
		if _, err := d.call(ctx, admin, http.MethodGet, "/exports/"+id, nil, &v.View); err != nil {
			return v, err
		}
		v.customer = d.stack.Workspace.Org().Customer().ID
		line := d.progress(v, time.Since(t0))
		if line != last {
			fmt.Fprintln(d.out, line)
			last = line
		}
		switch v.State {
		case export.Completed, export.CompletedWithErrors:
			return v, nil
		case export.Cancelled, export.Expired:
			return v, fmt.Errorf("the export ended %s", v.State)
		}
		select {
		case <-ctx.Done():
			return v, fmt.Errorf("waiting for export %s: %w (logs in %s)", id, ctx.Err(), filepath.Join(d.stack.Dir(), "logs"))
		case <-time.After(time.Second):
		}
	}
}

func (d *driver) progress(v exportView, elapsed time.Duration) string {
	if v.State == export.OnHold {
		return fmt.Sprintf("  %s  on hold, %s left", v.State, v.HoldRemaining)
	}
	done, total := int64(0), int64(0)
	if v.Progress != nil {
		done, total = v.Progress.AccountsDone, v.Progress.AccountsTotal
	}
	b := bucketBytes(filepath.Join(d.stack.Dir(), "bucket"))
	rate := float64(b) / elapsed.Seconds()
	left := "?"
	if v.Progress != nil && v.Progress.LeftSeconds != nil {
		left = (time.Duration(*v.Progress.LeftSeconds * float64(time.Second))).Round(time.Second).String()
	} else if total > 0 && done == total {
		left = "0s"
	}
	return fmt.Sprintf("  %-22s accounts %d/%d  %s  %s/s  time left %s", v.State, done, total, size(b), size(int64(rate)), left)
}

func bucketBytes(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			if info, err := e.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

func size(b int64) string {
	switch {
	case b >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(b)/(1<<30))
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(b)/(1<<10))
	}
	return fmt.Sprintf("%d B", b)
}

// awaitCompletionEmail waits, up to a minute, for the email to the
// requester that completes the export (R11): the record says COMPLETED a
// moment before AssembleReport sends it, and the demo should neither count
// the emails early nor stop the stack while it is being sent.
func (d *driver) awaitCompletionEmail(ctx context.Context, admin string) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for {
		msgs, _ := d.stack.Mail.Messages()
		for _, m := range msgs {
			for _, to := range m.To {
				if strings.EqualFold(to, admin) && strings.Contains(m.Subject, "complete") {
					return
				}
			}
		}
		select {
		case <-ctx.Done():
			fmt.Fprintf(d.out, "  (no completion email to %s yet; logs in %s)\n", admin, filepath.Join(d.stack.Dir(), "logs"))
			return
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func (d *driver) summary(v exportView, objects int, dir string) {
	fmt.Fprintf(d.out, "\nExport %s %s.\n", v.ID, v.State)
	if t := v.Totals; t != nil {
		fmt.Fprintf(d.out, "  %d accounts (%d with errors), %d items exported, %d failed.\n", t.Accounts, t.AccountsFailed, t.Files, t.FailedItems)
		if e := v.Estimate; e != nil && t.Bytes > 0 {
			fmt.Fprintf(d.out, "  Estimated %s (%d bytes), exported %s (%d bytes): %.2f× the estimate; archive on disk %s.\n",
				size(e.Bytes), e.Bytes, size(t.Bytes), t.Bytes, float64(t.Bytes)/float64(e.Bytes), size(bucketBytes(filepath.Join(d.stack.Dir(), "bucket"))))
		}
	}
	for _, u := range v.Unsupported {
		fmt.Fprintf(d.out, "  unsupported: %s — %s\n", u.Product, u.Reason)
	}
	if msgs, err := d.stack.Mail.Messages(); err == nil {
		fmt.Fprintf(d.out, "  %d emails in %s\n", len(msgs), d.stack.Mail.Dir())
	}
	fmt.Fprintf(d.out, "  %d objects mirrored into %s\n", objects, dir)
}
