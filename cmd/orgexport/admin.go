package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
)

const statusAbout = `
Shows one export (state, times, progress, totals, links) as the API returns
it, as JSON, or lists the organisation's exports without EXPORT. The ID
token is --token, $ORGEXPORT_ID_TOKEN (for example from
gcloud auth print-identity-token, for an account whose tokens the API
accepts) or the saved login.`

func runStatus(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "status", "[flags] [EXPORT]", statusAbout)
	a := addAPIFlags(fs, e)
	pos, err := parse(fs, args, 0, 1)
	if err != nil {
		return err
	}
	path := "/exports"
	if len(pos) == 1 {
		path += "/" + url.PathEscape(pos[0])
	}
	return callAndPrint(ctx, e, a, http.MethodGet, path, nil)
}

func runStart(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "start", "[flags]", `
Starts an export of all data of all accounts of the caller's organisation
(POST /exports) and prints it as JSON. With more than one super
administrator it waits 48 hours first, and all of them are emailed.`)
	a := addAPIFlags(fs, e)
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	return callAndPrint(ctx, e, a, http.MethodPost, "/exports", map[string]any{})
}

func runEstimate(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "estimate", "[flags]", `
Prints what an export of the caller's organisation would take (GET
/exports/estimate) as JSON: the bytes of mail and files, the zip parts and
the duration under the deployment's quotas, from Google's usage reports of
the latest day that has them (they trail by two to three days).`)
	a := addAPIFlags(fs, e)
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	return callAndPrint(ctx, e, a, http.MethodGet, "/exports/estimate", nil)
}

func runCancel(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "cancel", "[flags] EXPORT", `
Cancels an export during its hold or while it runs (POST /exports/EXPORT:cancel)
and prints it as JSON.`)
	a := addAPIFlags(fs, e)
	note := fs.String("note", "", "why, for the audit log and the other super administrators")
	pos, err := parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	return callAndPrint(ctx, e, a, http.MethodPost, "/exports/"+url.PathEscape(pos[0])+":cancel", map[string]any{"note": *note})
}

func callAndPrint(ctx context.Context, e *env, a *apiFlags, method, path string, body any) error {
	c, err := a.client("")
	if err != nil {
		return err
	}
	var out json.RawMessage
	if err := c.call(ctx, method, path, body, &out); err != nil {
		return err
	}
	b, _ := json.MarshalIndent(out, "", "  ")
	fmt.Fprintln(e.stdout, string(b))
	return nil
}
