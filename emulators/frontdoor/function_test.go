package frontdoor_test

import (
	"encoding/base64"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/frontdoor"
	"github.com/orgexport/orgexport/emulators/oidcissuer"
	"github.com/orgexport/orgexport/shared/auth"
	"github.com/orgexport/orgexport/shared/config"
	"github.com/orgexport/orgexport/shared/entry"
)

// function serves a service-called function's token check (entry.Service,
// as ServiceFunction builds it) in front of a handler that answers 200.
func function(t *testing.T, iss *oidcissuer.Issuer, audience string, behindIAM bool) string {
	t.Helper()
	v, err := entry.ServiceVerifier(config.ServiceAuth{Issuer: iss.URL(), Audience: audience,
		AllowedCallers: []string{invoker}, BehindCloudRunIAM: behindIAM})
	if err != nil {
		t.Fatal(err)
	}
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) })
	srv := httptest.NewServer(entry.Service(v, slog.New(slog.DiscardHandler), ok))
	t.Cleanup(srv.Close)
	return srv.URL
}

// The three ways a function meets a token without a signature.
func TestFunctionsBehindTheFrontDoor(t *testing.T) {
	iss := issuer(t)

	// 1. Behind the front door and configured behind IAM, Cloud Run's
	// output is accepted; not configured so, it is refused, as it would be
	// on Cloud Run. The token's audience is the function's custom audience.
	const aud = "https://begin-export.example"
	for _, behind := range []bool{true, false} {
		d, err := frontdoor.Start(frontdoor.Service{Name: "begin-export", Backend: function(t, iss, aud, behind),
			Invokers: []string{"serviceAccount:" + invoker}, CustomAudiences: []string{aud}}, frontdoor.Options{Issuers: []string{iss.URL()}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		got := call(t, d.URL(), map[string]string{"Authorization": "Bearer " + mint(t, iss, invoker, aud, time.Hour)})
		if want := map[bool]int{true: 200, false: 401}[behind]; got != want {
			t.Errorf("through the front door, configured behind IAM %v: %d, want %d", behind, got, want)
		}
	}

	// 2. Reached without the front door (a misconfigured deployment), a
	// function not configured behind IAM refuses an unsigned token anyone
	// could write; one configured behind IAM checks its claims and caller.
	forged := forgedToken(iss.URL(), invoker, aud)
	if got := call(t, function(t, iss, aud, false), map[string]string{"Authorization": "Bearer " + forged}); got != 401 {
		t.Errorf("straight to a function not behind IAM, a forged unsigned token: %d, want 401", got)
	}
	if got := call(t, function(t, iss, aud, true), map[string]string{"Authorization": "Bearer " + forgedToken(iss.URL(), stranger, aud)}); got != 403 {
		t.Errorf("straight to a function behind IAM, an unsigned token of another account: %d, want 403", got)
	}

	// 3. A function open to allUsers (StartExport, Support) verifies
	// admins' tokens itself; the door passes a forged one untouched and
	// the function refuses it.
	v, _ := auth.NewVerifier(iss.URL(), "orgexport-console", auth.Options{})
	admin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := v.Verify(r); err != nil {
			w.WriteHeader(401)
			return
		}
		w.WriteHeader(200)
	}))
	t.Cleanup(admin.Close)
	pub, err := frontdoor.Start(frontdoor.Service{Name: "start-export", Backend: admin.URL, Invokers: []string{frontdoor.AllUsers}}, frontdoor.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pub.Close() })
	if got := call(t, pub.URL(), map[string]string{"Authorization": "Bearer " + forgedToken(iss.URL(), "admin@example.com", "orgexport-console")}); got != 401 {
		t.Errorf("a forged unsigned token to an allUsers function: %d, want 401", got)
	}
	if got := call(t, pub.URL(), map[string]string{"Authorization": "Bearer " + mint(t, iss, "admin@example.com", "orgexport-console", time.Hour)}); got != 200 {
		t.Errorf("a signed admin token to an allUsers function: %d, want 200", got)
	}
}

func forgedToken(iss, email, aud string) string {
	enc := base64.RawURLEncoding.EncodeToString
	exp := strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)
	return enc([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." +
		enc([]byte(`{"iss":"`+iss+`","aud":"`+aud+`","sub":"1","email":"`+email+`","email_verified":true,"exp":`+exp+`}`)) +
		"." + frontdoor.SignatureRemoved
}
