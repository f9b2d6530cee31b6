package devstack_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/devstack"
)

// unsignedToken is a token anyone can write, in the shape Cloud Run hands
// on after verifying one.
func unsignedToken(iss, email, aud string) string {
	enc := base64.RawURLEncoding.EncodeToString
	exp := strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)
	return enc([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." +
		enc([]byte(`{"iss":"`+iss+`","aud":"`+aud+`","sub":"1","email":"`+email+`","email_verified":true,"hd":"`+strings.Split(email, "@")[1]+`","exp":`+exp+`}`)) +
		".SIGNATURE_REMOVED_BY_GOOGLE"
}

func post(ctx context.Context, t *testing.T, url, header, tok string) int {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader("{}"))
	req.Header.Set("Content-Type", "application/json")
	if tok != "" {
		req.Header.Set(header, "Bearer "+tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// Every function is reached through Cloud Run's front door: a service that
// requires IAM gets its callers' tokens without a signature and accepts
// them; forged unsigned tokens get nowhere, neither at the front door nor
// at a function open to allUsers.
func TestFunctionsBehindCloudRunsFrontDoor(t *testing.T) {
	s := stack(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	admin := "admin@" + s.Workspace.Org().Customer().Domain

	sched, err := s.ServiceToken(devstack.SchedulerAccount, "Housekeeping")
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"Authorization", "X-Serverless-Authorization"} {
		if got := post(ctx, t, s.URLs["Housekeeping"], h, sched); got != http.StatusOK {
			t.Errorf("Cloud Scheduler's token in %s through the front door: %d, want 200", h, got)
		}
	}
	cases := []struct {
		name, fn, tok string
		want          int
	}{
		// The API's path: StartExport's root is the console, which sends
		// anyone to its sign-in page.
		{"forged admin token to StartExport (allUsers)", "StartExport/exports", unsignedToken(s.Workspace.IssuerURL(), admin, devstack.AdminAudience), http.StatusUnauthorized},
		{"forged support token to Support (allUsers)", "Support", unsignedToken(s.Workspace.IssuerURL(), devstack.SupportStaff, devstack.AdminAudience), http.StatusUnauthorized},
		{"forged scheduler token to Housekeeping", "Housekeeping", unsignedToken("https://accounts.google.com", devstack.SchedulerAccount, s.URLs["Housekeeping"]), http.StatusUnauthorized},
		{"forged tasks token to BeginExport", "BeginExport", unsignedToken("https://accounts.google.com", devstack.TasksInvoker, s.URLs["BeginExport"]), http.StatusUnauthorized},
		{"scheduler token for another function", "Housekeeping", mustToken(t, s, devstack.SchedulerAccount, "AssembleReport"), http.StatusUnauthorized},
		{"push token to Housekeeping", "Housekeeping", mustToken(t, s, devstack.PushAccount, "Housekeeping"), http.StatusForbidden},
	}
	for _, c := range cases {
		fn, path, _ := strings.Cut(c.fn, "/")
		if path != "" {
			path = "/" + path
		}
		if got := post(ctx, t, s.URLs[fn]+path, "Authorization", c.tok); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
}

func mustToken(t *testing.T, s *devstack.Stack, account, fn string) string {
	t.Helper()
	tok, err := s.ServiceToken(account, fn)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}
