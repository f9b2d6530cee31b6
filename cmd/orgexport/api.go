package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// apiFlags are the flags of every command that calls the API.
type apiFlags struct {
	e          *env
	api, token *string
}

func addAPIFlags(fs *flag.FlagSet, e *env) *apiFlags {
	return &apiFlags{
		e:     e,
		api:   fs.String("api", "", "base URL of the admin API (StartExport); default $ORGEXPORT_API, then the one saved by login"),
		token: fs.String("token", "", "Google ID token to send, e.g. from gcloud auth print-identity-token; default $ORGEXPORT_ID_TOKEN, then the saved login"),
	}
}

// apiClient calls the admin API with an ID token.
type apiClient struct {
	base  string
	token func(ctx context.Context) (string, error)
	http  *http.Client
}

// client resolves the API's URL (flag, environment, the export's URL, the
// saved login) and where ID tokens come from.
func (a *apiFlags) client(fromURL string) (*apiClient, error) {
	creds, _ := loadCredentials(a.e)
	base := cmp.Or(*a.api, a.e.getenv("ORGEXPORT_API"), fromURL, creds.API)
	if base == "" {
		return nil, usageError("no API URL: pass --api (the StartExport URL), set ORGEXPORT_API, or run orgexport login --api URL")
	}
	c := &apiClient{base: strings.TrimRight(base, "/"), http: &http.Client{Timeout: 2 * time.Minute}}
	if tok := cmp.Or(*a.token, a.e.getenv("ORGEXPORT_ID_TOKEN")); tok != "" {
		c.token = func(context.Context) (string, error) { return tok, nil }
		return c, nil
	}
	if creds.RefreshToken == "" {
		return nil, usageError("not signed in: run orgexport login, or pass --token (a Google ID token for the API's audience)")
	}
	c.token = newRefresher(c.http, creds).get
	return c, nil
}

// apiError is the API's error body, in Google's shape.
type apiError struct {
	Code    int    `json:"code"`
	Status  string `json:"status"`
	Message string `json:"message"`
}

// call sends body (if any) as JSON and decodes the answer into into.
func (c *apiClient) call(ctx context.Context, method, path string, body, into any) error {
	tok, err := c.token(ctx)
	if err != nil {
		return err
	}
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return usageError("API URL %s: %v", c.base, err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return incomplete(fmt.Errorf("%s %s: %w", method, path, err))
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return incomplete(fmt.Errorf("%s %s: %w", method, path, err))
	}
	if resp.StatusCode/100 != 2 {
		return apiFailure(resp.StatusCode, b)
	}
	if into == nil {
		return nil
	}
	if err := json.Unmarshal(b, into); err != nil {
		return incomplete(fmt.Errorf("%s %s: unreadable answer: %w", method, path, err))
	}
	return nil
}

// apiFailure turns an error answer into an error with the API's message
// and the exit code for it: 2 for refusals, 3 for what may pass.
func apiFailure(code int, body []byte) error {
	var eb struct {
		Error apiError `json:"error"`
	}
	msg := strings.TrimSpace(string(body))
	if json.Unmarshal(body, &eb) == nil && eb.Error.Message != "" {
		msg = eb.Error.Message
	}
	err := fmt.Errorf("the API answered %d: %s", code, msg)
	if code >= 500 || code == http.StatusTooManyRequests {
		return incomplete(err)
	}
	return &exitError{exitUsage, errors.Join(errDenied, err)}
}
