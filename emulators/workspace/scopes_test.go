package workspace_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"
	chat "google.golang.org/api/chat/v1"
	drive "google.golang.org/api/drive/v3"
	gmail "google.golang.org/api/gmail/v1"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"
	vault "google.golang.org/api/vault/v1"

	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

// scoped is a token source for subject asking for exactly scopes, with the
// JWT bearer grant (as domain-wide delegation does).
func scoped(t *testing.T, s *workspace.Server, subject string, scopes ...string) oauth2.TokenSource {
	t.Helper()
	cfg, err := google.JWTConfigFromJSON(s.ServiceAccountKey(), scopes...)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Subject = subject
	return cfg.TokenSource(context.Background())
}

const (
	gmailScope = "https://www.googleapis.com/auth/gmail.readonly"
	driveScope = "https://www.googleapis.com/auth/drive.readonly"
)

func TestATokenRequestNamingAnUnauthorisedScopeFailsWhole(t *testing.T) {
	t.Parallel()
	s := start(t, synth.Tiny(1), workspace.Faults{MissingScopes: []string{driveScope}})
	if _, err := scoped(t, s, "admin@example.com", gmailScope).Token(); err != nil {
		t.Fatalf("an authorised scope: %v", err)
	}
	_, err := scoped(t, s, "admin@example.com", gmailScope, driveScope).Token()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.Response.StatusCode != 401 || !strings.Contains(string(re.Body), `"error":"unauthorized_client"`) ||
		!strings.Contains(string(re.Body), "not authorized for any of the scopes requested") {
		t.Fatalf("err = %v, want 401 unauthorized_client with Google's description", err)
	}
	if _, err := scoped(t, s, "admin@example.com", "https://www.googleapis.com/auth/gmail.modify").Token(); err == nil {
		t.Fatal("a scope no delegation entry authorises was granted")
	}
	if err := s.SetFaults(workspace.Faults{MissingScopes: []string{"https://www.googleapis.com/auth/nothing"}}); err == nil {
		t.Fatal("faults accepted an unknown scope")
	}
}

func TestATokenReachesOnlyTheAPIsOfItsScopes(t *testing.T) {
	t.Parallel()
	s := start(t, synth.Tiny(1), workspace.Faults{})
	ctx := context.Background()
	ts := scoped(t, s, "admin@example.com", gmailScope)
	gm, _ := gmail.NewService(ctx, option.WithEndpoint(s.Endpoint("gmail")), option.WithTokenSource(ts))
	if _, err := gm.Users.Labels.List("me").Do(); err != nil {
		t.Fatalf("Gmail with the Gmail scope: %v", err)
	}
	dr, _ := drive.NewService(ctx, option.WithEndpoint(s.Endpoint("drive")), option.WithTokenSource(ts))
	_, err := dr.Files.List().Do()
	wantAPIError(t, err, 403, "insufficientPermissions")
}

func TestAnAPINotEnabledAnswersAccessNotConfigured(t *testing.T) {
	t.Parallel()
	s := start(t, synth.Tiny(1), workspace.Faults{DisabledAPIs: []string{"gmail"}})
	ctx := context.Background()
	gm, _ := gmail.NewService(ctx, clientOpts(t, s, "gmail", "admin@example.com")...)
	_, err := gm.Users.Labels.List("me").Do()
	wantAPIError(t, err, 403, "accessNotConfigured")
	var ge *googleapi.Error
	errors.As(err, &ge)
	if !strings.Contains(ge.Message, "Gmail API has not been used in project") || !strings.Contains(ge.Message, "Enable it by visiting https://console.developers.google.com/apis/api/gmail.googleapis.com/overview") ||
		!strings.Contains(ge.Body, "SERVICE_DISABLED") {
		t.Fatalf("message %q, body %s: want Google's accessNotConfigured shape", ge.Message, ge.Body)
	}
	dr, _ := drive.NewService(ctx, clientOpts(t, s, "drive", "admin@example.com")...)
	if _, err := dr.Files.List().Do(); err != nil {
		t.Fatalf("another API: %v", err)
	}
	if err := s.SetFaults(workspace.Faults{DisabledAPIs: []string{"mail"}}); err == nil {
		t.Fatal("faults accepted an unknown API")
	}
}

func TestChatWithoutAChatAppAnswersNotFound(t *testing.T) {
	t.Parallel()
	s := start(t, synth.Tiny(1), workspace.Faults{NoChatApp: true})
	ch, _ := chat.NewService(context.Background(), clientOpts(t, s, "chat", "admin@example.com")...)
	_, err := ch.Spaces.List().Do()
	wantAPIError(t, err, 404, "notFound")
	if !strings.Contains(err.Error(), "Google Chat app not found. To create a Chat app, you must turn on the Chat API and configure the app in the Google Cloud console.") {
		t.Fatalf("err = %v, want Google's message", err)
	}
}

func TestVaultRefusesAnAdministratorWithoutItsPrivileges(t *testing.T) {
	t.Parallel()
	s := start(t, synth.Tiny(1), workspace.Faults{})
	ctx := context.Background()
	v, _ := vault.NewService(ctx, clientOpts(t, s, "vault", "admin@example.com")...)
	if _, err := v.Matters.List().Do(); err != nil {
		t.Fatalf("with privileges: %v", err)
	}
	if err := s.SetFaults(workspace.Faults{NoVaultPrivilege: []string{"ADMIN@example.com"}}); err != nil {
		t.Fatal(err)
	}
	_, err := v.Matters.List().Do()
	wantAPIError(t, err, 403, "forbidden")
}
