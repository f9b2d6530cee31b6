package startexport_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/config"
	"github.com/orgexport/orgexport/shared/delegation"
	"github.com/orgexport/orgexport/shared/directory"
	"github.com/orgexport/orgexport/shared/setupcheck"
)

// setupReply is the answer of GET /setup, as the console reads it.
type setupReply struct {
	CheckedAt string `json:"checked_at"`
	Products  []struct {
		Product string `json:"product"`
		Ready   bool   `json:"ready"`
		As      string `json:"as"`
		Missing string `json:"missing"`
		Fix     string `json:"fix"`
	} `json:"products"`
}

// withSetupCheck gives the stack's control plane the setup check, and a
// Directory, through clients that know the delegation's client id.
func withSetupCheck(t *testing.T, s *stack) {
	t.Helper()
	f := clientsOf(t, s)
	s.svc.Checker, s.svc.Directory = setupcheck.New(f), directory.New(f)
}

// clientsOf are delegated clients of the stack's emulator.
func clientsOf(t *testing.T, s *stack) *delegation.Factory {
	t.Helper()
	f, err := delegation.New(context.Background(), config.Workspace{Endpoint: s.ws.URL(), DelegationServiceAccount: s.ws.DelegationAccount(),
		DelegationClientID: s.ws.DelegationClientID()}, delegation.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (s *stack) setup(t *testing.T, faults workspace.Faults) setupReply {
	t.Helper()
	if err := s.ws.SetFaults(faults); err != nil {
		t.Fatal(err)
	}
	r := s.as(s.user(0), http.MethodGet, "/setup", "")
	if r.Code != http.StatusOK {
		t.Fatalf("GET /setup: %d %s", r.Code, r.Body)
	}
	var out setupReply
	r.decode(t, &out)
	if _, err := time.Parse(time.RFC3339, out.CheckedAt); err != nil {
		t.Errorf("checked_at %q: %v", out.CheckedAt, err)
	}
	return out
}

// notReady lists the products (and whom they were tried as) the check
// found not ready, each with what is missing and the fix.
func (r setupReply) notReady(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, p := range r.Products {
		if p.As != "admin" && p.As != "user" {
			t.Errorf("%s tried as %q", p.Product, p.As)
		}
		if p.Ready != (p.Missing == "" && p.Fix == "") {
			t.Errorf("%s as %s: ready %v, missing %q, fix %q", p.Product, p.As, p.Ready, p.Missing, p.Fix)
		}
		if !p.Ready {
			out[p.Product+"/"+p.As] = p.Missing + " | " + p.Fix
		}
	}
	return out
}

func TestSetupCheckSaysPerProductWhatIsMissingAndTheFix(t *testing.T) {
	s := newStack(t, synth.Tiny(90))
	withSetupCheck(t, s)
	gmailScope := "https://www.googleapis.com/auth/gmail.readonly"
	chatScope := "https://www.googleapis.com/auth/chat.admin.spaces.readonly"
	for _, c := range []struct {
		name   string
		faults workspace.Faults
		want   map[string][]string // product/as → words of missing and fix
	}{
		{"ready", workspace.Faults{}, map[string][]string{}},
		{"a scope missing", workspace.Faults{MissingScopes: []string{gmailScope}}, map[string][]string{
			"Gmail/user": {"domain-wide delegation lacks scope " + gmailScope + " for client id " + s.ws.DelegationClientID(),
				"Manage domain-wide delegation", "add " + gmailScope}}},
		{"a Chat scope missing", workspace.Faults{MissingScopes: []string{chatScope}}, map[string][]string{
			"Chat/user":  {"lacks scope " + chatScope},
			"Chat/admin": {"lacks scope " + chatScope}}},
		{"API not enabled", workspace.Faults{DisabledAPIs: []string{"drive"}}, map[string][]string{
			"Drive/user":  {"drive.googleapis.com is not enabled", "gcloud services enable drive.googleapis.com", "https://console.developers.google.com/apis/api/drive.googleapis.com/overview"},
			"Drive/admin": {"drive.googleapis.com is not enabled"}}},
		{"Chat app not configured", workspace.Faults{NoChatApp: true}, map[string][]string{
			"Chat/user":  {"no Chat app is configured", "Google Chat API → Configuration"},
			"Chat/admin": {"no Chat app is configured"}}},
		{"Vault privilege", workspace.Faults{NoVaultPrivilege: []string{s.user(0)}}, map[string][]string{
			"Vault/admin": {"Vault licence or privilege", s.user(0), "Manage matters, Manage exports and View all matters"}}},
		{"Vault's files scope missing", workspace.Faults{MissingScopes: []string{"https://www.googleapis.com/auth/devstorage.read_only"}}, map[string][]string{
			"Vault/admin": {"lacks scope https://www.googleapis.com/auth/devstorage.read_only"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := s.setup(t, c.faults).notReady(t)
			for key, words := range c.want {
				for _, w := range words {
					if !strings.Contains(got[key], w) {
						t.Errorf("%s: %q, want it to say %q", key, got[key], w)
					}
				}
			}
			for key, msg := range got {
				if _, ok := c.want[key]; !ok {
					t.Errorf("%s not ready: %s", key, msg)
				}
			}
		})
	}
}

func TestSetupCheckWithoutVaultLicences(t *testing.T) {
	opts := synth.Tiny(91)
	opts.Vault = false
	s := newStack(t, opts)
	withSetupCheck(t, s)
	got := s.setup(t, workspace.Faults{}).notReady(t)
	if len(got) != 1 || !strings.Contains(got["Vault/admin"], "Vault licence or privilege") || !strings.Contains(got["Vault/admin"], "Vault licences") {
		t.Fatalf("not ready: %v, want Vault alone, for want of licences", got)
	}
}

func TestSetupCheckIsForSuperAdminsOnly(t *testing.T) {
	s := newStack(t, synth.Tiny(92))
	withSetupCheck(t, s)
	nonAdmin := ""
	for _, u := range s.org.Users() {
		if !u.Admin && !u.DelegatedAdmin && !u.Suspended {
			nonAdmin = u.Email
			break
		}
	}
	for _, who := range []string{nonAdmin, s.org.Users()[5].Email} { // a user, a delegated admin
		if r := s.as(who, http.MethodGet, "/setup", ""); r.Code != http.StatusForbidden || r.err(t).Error.Status != "PERMISSION_DENIED" {
			t.Errorf("%s: %d %s, want 403", who, r.Code, r.Body)
		}
	}
	if r := s.call(http.MethodGet, "/setup", "", ""); r.Code != http.StatusUnauthorized {
		t.Errorf("no token: %d", r.Code)
	}
	if r := s.as(s.user(0), http.MethodPost, "/setup", ""); r.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /setup: %d", r.Code)
	}
}

// Without a Directory scope orgexport cannot tell who the caller is: the
// start (and the setup check) is refused with the fix, not with "not a
// super administrator".
func TestAMissingDirectoryScopeRefusesTheStartWithTheFix(t *testing.T) {
	s := newStack(t, synth.Tiny(93))
	withSetupCheck(t, s)
	scope := "https://www.googleapis.com/auth/admin.directory.resource.calendar.readonly"
	if err := s.ws.SetFaults(workspace.Faults{MissingScopes: []string{scope}}); err != nil {
		t.Fatal(err)
	}
	want := "Domain-wide delegation lacks scope " + scope + " for client id " + s.ws.DelegationClientID() +
		" — add it in Admin console → Security → API controls."
	for _, path := range []string{"/exports", "/setup"} {
		method := http.MethodPost
		if path == "/setup" {
			method = http.MethodGet
		}
		r := s.as(s.user(0), method, path, "{}")
		e := r.err(t).Error
		if r.Code != http.StatusForbidden || e.Status != "FAILED_PRECONDITION" || e.Message != want {
			t.Errorf("%s %s: %d %s %q, want 403 FAILED_PRECONDITION %q", method, path, r.Code, e.Status, e.Message, want)
		}
	}
	if n := len(s.tasks.all()); n != 0 {
		t.Errorf("%d tasks created", n)
	}
}
