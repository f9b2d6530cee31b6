package support_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/oidcissuer"
	"github.com/orgexport/orgexport/emulators/testenv"
	"github.com/orgexport/orgexport/functions/support"
	"github.com/orgexport/orgexport/shared/auth"
	"github.com/orgexport/orgexport/shared/control"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/store"
)

func TestMain(m *testing.M) { os.Exit(testenv.Run(m, testenv.Firestore)) }

const (
	staff    = "support@orgexport.example"
	audience = "orgexport-support"
)

var t0 = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

type rig struct {
	t     *testing.T
	iss   *oidcissuer.Issuer
	store *store.Store
	url   string
}

// newRig serves the Support function with the real verifier against a
// local OIDC issuer, on the Firestore emulator, at t0.
func newRig(t *testing.T) *rig {
	t.Helper()
	env := testenv.Get(t)
	st, err := store.New(context.Background(), env.Project)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	issSrv := httptest.NewServer(nil)
	t.Cleanup(issSrv.Close)
	iss, err := oidcissuer.New(issSrv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	issSrv.Config.Handler = iss.Handler()
	v, err := auth.NewVerifier(iss.URL(), audience, auth.Options{})
	if err != nil {
		t.Fatal(err)
	}
	h := &support.Handler{Support: &control.Support{Store: st, Staff: []string{staff}, Now: func() time.Time { return t0 }},
		Verifier: v, Log: slog.New(slog.DiscardHandler)}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &rig{t: t, iss: iss, store: st, url: srv.URL}
}

func (r *rig) call(email, path, body string) (int, string) {
	r.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, r.url+path, strings.NewReader(body))
	if email != "" {
		_, domain, _ := strings.Cut(email, "@")
		tok, err := r.iss.Mint(oidcissuer.Token{Subject: email, Email: email, Audience: audience, HostedDomain: domain})
		if err != nil {
			r.t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (r *rig) audit(cid string) []export.AuditEntry {
	r.t.Helper()
	a, err := r.store.Audit(context.Background(), cid, 100)
	if err != nil {
		r.t.Fatal(err)
	}
	return a
}

// completed gives customer cid a completed export, so its 30 days run.
func (r *rig) completed(cid string) {
	r.t.Helper()
	ctx := context.Background()
	at := t0.Add(-time.Hour)
	e := &export.Export{ID: "e1", CustomerID: cid, Domain: "c.example", State: export.OnHold, RequestedAt: at, HoldEnd: at}
	if err := r.store.Start(ctx, e, export.AuditEntry{At: at, Action: export.ActionStart}, at); err != nil {
		r.t.Fatal(err)
	}
	for _, st := range []export.State{export.Running, export.Assembling, export.Completed} {
		if _, err := r.store.Update(ctx, cid, "e1", func(e *export.Export) ([]export.AuditEntry, error) {
			e.State, e.CompletedAt = st, at
			return nil, nil
		}); err != nil {
			r.t.Fatal(err)
		}
	}
}

func TestOnlyStaffMayCall(t *testing.T) {
	r := newRig(t)
	r.completed("c1")
	before := len(r.audit("c1"))
	for _, who := range []string{"admin@c.example", "Support@orgexport.example.evil.com", ""} {
		code, body := r.call(who, "/organisations/c1:resetCooldown", `{"ticket":"T-1"}`)
		want := http.StatusForbidden
		if who == "" {
			want = http.StatusUnauthorized
		}
		if code != want {
			t.Errorf("reset by %q: %d %s, want %d", who, code, body, want)
		}
	}
	// The staff address on a consumer Google account (no hd claim) is not staff.
	tok, err := r.iss.Mint(oidcissuer.Token{Subject: "x", Email: staff, Audience: audience})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, r.url+"/organisations/c1:resetCooldown", strings.NewReader(`{"ticket":"T-1"}`))
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("staff address without hd: %d, want 403", resp.StatusCode)
	}
	o, _ := r.store.Organisation(context.Background(), "c1")
	if o.CooldownEnd.IsZero() || len(r.audit("c1")) != before {
		t.Fatal("a refused call changed the organisation or its audit log")
	}
}

func TestResetCooldownIsAudited(t *testing.T) {
	r := newRig(t)
	r.completed("c2")
	if code, body := r.call(staff, "/organisations/c2:resetCooldown", `{}`); code != http.StatusBadRequest || !strings.Contains(body, "ticket") {
		t.Errorf("reset without a ticket: %d %s", code, body)
	}
	code, body := r.call(staff, "/organisations/c2:resetCooldown", `{"ticket":"T-42"}`)
	if code != http.StatusOK {
		t.Fatalf("reset: %d %s", code, body)
	}
	o, _ := r.store.Organisation(context.Background(), "c2")
	if !o.CooldownEnd.IsZero() {
		t.Errorf("cool-down still ends %s", o.CooldownEnd)
	}
	a := r.audit("c2")[0]
	if a.Action != export.ActionReset || a.Actor != staff || a.Detail["ticket"] != "T-42" || !a.At.Equal(t0) {
		t.Errorf("audit %+v: want the reset by %s with its ticket", a, staff)
	}
}

func TestOverrideNeedsAnExpiryWithin30Days(t *testing.T) {
	r := newRig(t)
	for until, want := range map[time.Time]int{
		t0.Add(-time.Second):                  http.StatusBadRequest,
		t0:                                    http.StatusBadRequest,
		t0.Add(30*24*time.Hour + time.Second): http.StatusBadRequest,
		t0.Add(30 * 24 * time.Hour):           http.StatusOK,
	} {
		body, _ := json.Marshal(map[string]any{"until": until, "ticket": "T-7"})
		if code, got := r.call(staff, "/organisations/c3:override", string(body)); code != want {
			t.Errorf("override until %s: %d %s, want %d", until, code, got, want)
		}
	}
	o, _ := r.store.Organisation(context.Background(), "c3")
	if !o.OverrideUntil.Equal(t0.Add(30*24*time.Hour)) || o.OverrideBy != staff {
		t.Errorf("override %s by %s", o.OverrideUntil, o.OverrideBy)
	}
	a := r.audit("c3")
	if len(a) != 1 || a[0].Action != export.ActionOverride {
		t.Errorf("audit %+v: want only the granted override", a)
	}
}

// Support answers its own documented shape, which names no export, and a
// customer id outside the alphabet is 404 before the store is asked.
func TestSupportAnswersItsOwnShape(t *testing.T) {
	r := newRig(t)
	r.completed("c7")
	code, body := r.call(staff, "/organisations/c7:resetCooldown", `{"ticket":"T-7"}`)
	if code != http.StatusOK {
		t.Fatalf("reset: %d %s", code, body)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if got["customer_id"] != "c7" || got["export_active"] != false || len(got) != 2 {
		t.Errorf("reset answered %s; want only customer_id and export_active (no cool-down left)", body)
	}
	if strings.Contains(body, "e1") || strings.Contains(body, "ActiveExport") {
		t.Errorf("support's answer names an export or an internal field: %s", body)
	}
	for _, cid := range []string{"__c__", "c%2Fexports", "%ff"} {
		code, body := r.call(staff, "/organisations/"+cid+":resetCooldown", `{"ticket":"T-8"}`)
		if code != http.StatusNotFound {
			t.Errorf("reset of %q: %d %s, want 404", cid, code, body)
		}
	}
}
