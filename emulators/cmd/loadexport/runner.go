package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/orgexport/orgexport/emulators/devstack"
	"github.com/orgexport/orgexport/emulators/verify"
	"github.com/orgexport/orgexport/functions/startexport"
	"github.com/orgexport/orgexport/shared/export"
)

// runner plays the admin through the real HTTP API.
type runner struct {
	stack *devstack.Stack
	admin string
	out   io.Writer
}

// result is what an export run gave.
type result struct {
	view     startexport.View
	began    time.Time
	running  time.Time // the export left its hold
	finished time.Time
}

func (r *runner) call(ctx context.Context, method, path string, into any) error {
	return r.request(ctx, r.admin, "StartExport", method, path, "{}", into)
}

// request sends one authenticated request, as who, to a function.
func (r *runner) request(ctx context.Context, who, function, method, path, payload string, into any) error {
	tok, err := r.stack.AdminToken(who)
	if err != nil {
		return err
	}
	var body io.Reader
	if method == http.MethodPost {
		body = bytes.NewReader([]byte(payload))
	}
	req, err := http.NewRequestWithContext(ctx, method, r.stack.URLs[function]+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, data)
	}
	return json.Unmarshal(data, into)
}

// export starts an export and follows it to its end, printing progress
// every half minute.
func (r *runner) export(ctx context.Context) (result, error) {
	if n := len(r.stack.Workspace.Org().Users()); n >= 1000 {
		// R1d: an organisation of 1,000 users or more needs support's
		// override, as it would in production.
		until := time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)
		var org struct{}
		if err := r.request(ctx, devstack.SupportStaff, "Support", http.MethodPost,
			"/organisations/"+r.stack.Workspace.Org().Customer().ID+":override",
			`{"until":"`+until+`","ticket":"loadexport: `+fmt.Sprint(n)+` users"}`, &org); err != nil {
			return result{}, fmt.Errorf("support override of the 1,000-user limit (R14b): %w", err)
		}
		fmt.Fprintf(r.out, "Support granted the override of the 1,000-user limit (R1d, R14b) until %s.\n", until)
	}
	res := result{began: time.Now()}
	var v startexport.View
	if err := r.call(ctx, http.MethodPost, "/exports", &v); err != nil {
		return res, err
	}
	fmt.Fprintf(r.out, "Export %s started (%s).\n", v.ID, v.State)
	lastLine := time.Time{}
	for {
		if err := r.call(ctx, http.MethodGet, "/exports/"+v.ID, &v); err != nil {
			return res, err
		}
		if res.running.IsZero() && v.State != export.OnHold {
			res.running = time.Now()
		}
		if time.Since(lastLine) >= 30*time.Second || v.State.Done() {
			lastLine = time.Now()
			p := startexport.ProgressView{}
			if v.Progress != nil {
				p = *v.Progress
			}
			fmt.Fprintf(r.out, "  %6s  %-22s accounts %d/%d  files %d  failed %d\n",
				time.Since(res.began).Round(time.Second), v.State, p.AccountsDone, p.AccountsTotal, p.Files, p.FailedItems)
		}
		switch {
		case v.State.Done():
			res.view, res.finished = v, time.Now()
			return res, nil
		case v.State == export.Cancelled || v.State == export.Expired:
			return res, fmt.Errorf("the export ended %s; the functions' logs are in %s", v.State, filepath.Join(r.stack.Dir(), "logs"))
		}
		select {
		case <-ctx.Done():
			return res, fmt.Errorf("waiting for export %s: %w (logs in %s)", v.ID, ctx.Err(), filepath.Join(r.stack.Dir(), "logs"))
		case <-time.After(2 * time.Second):
		}
	}
}

// verify mirrors the archive and compares it with the ground truth: every
// account's items byte-exact, and every account named in report.json.
func (r *runner) verify(ctx context.Context, res result, dir string) error {
	t0 := time.Now()
	prefix := r.stack.Workspace.Org().Customer().ID + "/" + res.view.ID + "/"
	n, err := verify.Mirror(ctx, r.stack.StorageHost(), devstack.Bucket, prefix, dir)
	if err != nil {
		return err
	}
	var cutOff time.Time
	if res.view.CutOff != nil {
		cutOff = *res.view.CutOff
	}
	checked, diffs, err := verify.Archive(r.stack.Workspace, dir, cutOff, nil)
	if err != nil {
		return err
	}
	reported, err := reportedAccounts(filepath.Join(dir, "report.json"))
	if err != nil {
		return err
	}
	fmt.Fprintf(r.out, "Checked %d objects, %d accounts against the ground truth and report.json (%d accounts) in %v.\n",
		n, checked, reported, time.Since(t0).Round(time.Second))
	if reported != checked {
		diffs = append(diffs, fmt.Sprintf("report.json lists %d accounts; the organisation has %d to export", reported, checked))
	}
	if len(diffs) > 0 {
		for i, d := range diffs {
			if i == 20 {
				fmt.Fprintf(r.out, "  … and %d more\n", len(diffs)-i)
				break
			}
			fmt.Fprintln(r.out, "  "+d)
		}
		return fmt.Errorf("%d differences between the archive and the source", len(diffs))
	}
	fmt.Fprintln(r.out, "The archive holds exactly the source.")
	return nil
}

// reportedAccounts counts the accounts report.json lists, with errors and
// without.
func reportedAccounts(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	rep, err := verify.ReadReport(f)
	return rep.Accounts, err
}
