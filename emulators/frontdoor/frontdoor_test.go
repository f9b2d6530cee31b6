package frontdoor_test

import (
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/frontdoor"
	"github.com/orgexport/orgexport/emulators/oidcissuer"
)

const (
	invoker  = "tasks@p.iam.gserviceaccount.com"
	stranger = "other@p.iam.gserviceaccount.com"
)

func issuer(t testing.TB) *oidcissuer.Issuer {
	t.Helper()
	srv := httptest.NewServer(nil)
	t.Cleanup(srv.Close)
	iss, err := oidcissuer.New(srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = iss.Handler()
	return iss
}

// seen records the headers of each request that reached the container.
type seen struct{ headers []http.Header }

func backend(t testing.TB) (*seen, string) {
	s := &seen{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.headers = append(s.headers, r.Header.Clone())
		io.WriteString(w, "reached")
	}))
	t.Cleanup(srv.Close)
	return s, srv.URL
}

func door(t testing.TB, iss *oidcissuer.Issuer, invokers []string, custom ...string) (*frontdoor.Server, *seen) {
	t.Helper()
	s, url := backend(t)
	d, err := frontdoor.Start(frontdoor.Service{Name: "begin-export", Backend: url, Invokers: invokers, CustomAudiences: custom},
		frontdoor.Options{Issuers: []string{iss.URL()}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d, s
}

func call(t testing.TB, url string, headers map[string]string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader("{}"))
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func mint(t testing.TB, iss *oidcissuer.Issuer, email, aud string, life time.Duration) string {
	t.Helper()
	tok, err := iss.Mint(oidcissuer.Token{Subject: email, Email: email, Audience: aud, Lifetime: life})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func withoutSignature(tok string) string {
	return tok[:strings.LastIndex(tok, ".")+1] + frontdoor.SignatureRemoved
}

// A service that requires IAM refuses, before the container sees it, every
// request without a valid token of an invoker for its URL.
func TestIAMServiceRefusesBeforeTheContainer(t *testing.T) {
	iss, other := issuer(t), issuer(t)
	d, s := door(t, iss, []string{"serviceAccount:" + invoker}, "https://begin-export.example")
	good := mint(t, iss, invoker, d.URL(), time.Hour)
	enc := base64.RawURLEncoding.EncodeToString
	cases := map[string]struct {
		headers map[string]string
		want    int
	}{
		"no token":              {nil, 403},
		"not bearer":            {map[string]string{"Authorization": "Basic " + enc([]byte("a:b"))}, 403},
		"garbage":               {map[string]string{"Authorization": "Bearer x.y.z"}, 401},
		"signature removed":     {map[string]string{"Authorization": "Bearer " + withoutSignature(good)}, 401},
		"expired":               {map[string]string{"Authorization": "Bearer " + mint(t, iss, invoker, d.URL(), -time.Minute)}, 401},
		"other audience":        {map[string]string{"Authorization": "Bearer " + mint(t, iss, invoker, "https://other.example", time.Hour)}, 401},
		"untrusted issuer":      {map[string]string{"Authorization": "Bearer " + mint(t, other, invoker, d.URL(), time.Hour)}, 401},
		"not an invoker":        {map[string]string{"Authorization": "Bearer " + mint(t, iss, stranger, d.URL(), time.Hour)}, 403},
		"serverless header bad": {map[string]string{"Authorization": "Bearer " + good, "X-Serverless-Authorization": "Bearer " + mint(t, iss, stranger, d.URL(), time.Hour)}, 403},
	}
	for name, c := range cases {
		if got := call(t, d.URL(), c.headers); got != c.want {
			t.Errorf("%s: %d, want %d", name, got, c.want)
		}
	}
	if len(s.headers) != 0 {
		t.Fatalf("%d refused requests reached the container", len(s.headers))
	}
	for name, h := range map[string]map[string]string{
		"service URL":     {"Authorization": "Bearer " + good},
		"custom audience": {"Authorization": "Bearer " + mint(t, iss, invoker, "https://begin-export.example", time.Hour)},
	} {
		if got := call(t, d.URL(), h); got != 200 {
			t.Errorf("%s: %d, want 200", name, got)
		}
	}
}

// What the container gets: the verified token with its signature replaced,
// in the header it came in; the other header as sent.
func TestForwardsWithTheSignatureRemoved(t *testing.T) {
	iss := issuer(t)
	d, s := door(t, iss, []string{"serviceAccount:" + invoker})
	good := mint(t, iss, invoker, d.URL(), time.Hour)
	parts := strings.Split(good, ".")
	want := "Bearer " + parts[0] + "." + parts[1] + ".SIGNATURE_REMOVED_BY_GOOGLE"

	if call(t, d.URL(), map[string]string{"Authorization": "Bearer " + good}) != 200 {
		t.Fatal("refused a good token")
	}
	if got := s.headers[0].Get("Authorization"); got != want {
		t.Errorf("Authorization forwarded as %q, want %q", got, want)
	}
	if call(t, d.URL(), map[string]string{"Authorization": "Bearer app-token", "X-Serverless-Authorization": "Bearer " + good}) != 200 {
		t.Fatal("refused a good X-Serverless-Authorization")
	}
	if got := s.headers[1].Get("X-Serverless-Authorization"); got != want {
		t.Errorf("X-Serverless-Authorization forwarded as %q, want %q", got, want)
	}
	if got := s.headers[1].Get("Authorization"); got != "Bearer app-token" {
		t.Errorf("Authorization beside X-Serverless-Authorization forwarded as %q, want it untouched", got)
	}
}

// A service open to allUsers sees every request as it was sent.
func TestPublicServicePassesHeadersUntouched(t *testing.T) {
	iss := issuer(t)
	d, s := door(t, iss, []string{frontdoor.AllUsers})
	good := mint(t, iss, invoker, "orgexport-console", time.Hour)
	forged := withoutSignature(good)
	for _, h := range []map[string]string{nil, {"Authorization": "Bearer " + good}, {"Authorization": "Bearer " + forged}} {
		if got := call(t, d.URL(), h); got != 200 {
			t.Errorf("%v: %d, want 200", h, got)
		}
	}
	if len(s.headers) != 3 || s.headers[1].Get("Authorization") != "Bearer "+good || s.headers[2].Get("Authorization") != "Bearer "+forged {
		t.Errorf("headers were changed on the way: %v", s.headers)
	}
}

func TestNoInvokersIsRefused(t *testing.T) {
	if _, err := frontdoor.New(frontdoor.Service{Name: "x", Backend: "http://127.0.0.1:1"}, "http://127.0.0.1:2", frontdoor.Options{Issuers: []string{"https://i"}}); err == nil {
		t.Error("a service nobody may invoke was accepted")
	}
}

// The dev stack reads the invokers from the Terraform itself.
func TestInvokersComeFromTerraform(t *testing.T) {
	inv, err := frontdoor.ReadInvokers("../../infra")
	if err != nil {
		t.Fatal(err)
	}
	accounts := map[string]string{"tasks_invoker": "t@x", "pubsub_push": "p@x", "scheduler": "s@x"}
	for fn, want := range map[string]string{"BeginExport": "serviceAccount:t@x", "ExportAccount": "serviceAccount:t@x",
		"AssembleReport": "serviceAccount:p@x", "Housekeeping": "serviceAccount:s@x", "StartExport": "allUsers", "Support": "allUsers"} {
		m, err := inv.Members(fn, accounts)
		if err != nil || len(m) != 1 || m[0] != want {
			t.Errorf("%s: %v, %v; want [%s]", fn, m, err, want)
		}
		if inv.RequiresIAM(fn) != (want != "allUsers") {
			t.Errorf("%s: RequiresIAM %v", fn, inv.RequiresIAM(fn))
		}
	}
}
