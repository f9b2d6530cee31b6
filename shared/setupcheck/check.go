package setupcheck

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"google.golang.org/api/googleapi"

	"github.com/orgexport/orgexport/shared/control"
	"github.com/orgexport/orgexport/shared/delegation"
	"github.com/orgexport/orgexport/shared/pacer"
)

// Who a product is tried as.
const (
	AsAdmin = "admin"
	AsUser  = "user"
)

// Checker tries the APIs through the delegated clients.
type Checker struct {
	clients *delegation.Factory
	// Timeout bounds each probe (default 20s): a check answers in seconds
	// even when an API keeps failing.
	Timeout time.Duration
}

var _ control.SetupChecker = (*Checker)(nil)

// New checks through clients.
func New(clients *delegation.Factory) *Checker {
	return &Checker{clients: clients, Timeout: 20 * time.Second}
}

// probe is one product tried as one person through one API.
type probe struct {
	product, as, api string
	try              func(ctx context.Context, c *delegation.Factory, subject string) error
}

// Check implements control.SetupChecker. The user is one active user of
// the organisation who is no administrator (the admin when there is
// none); every probe runs at once, with tokens asked for afresh.
func (c *Checker) Check(ctx context.Context, admin string) ([]control.Readiness, error) {
	clients := c.clients.Uncached()
	user, err := someUser(ctx, clients, admin)
	if err != nil {
		return nil, err
	}
	out := make([]control.Readiness, len(probes))
	var wg sync.WaitGroup
	for i, p := range probes {
		wg.Go(func() {
			subject := user
			if p.as == AsAdmin {
				subject = admin
			}
			pctx, cancel := context.WithTimeout(ctx, c.Timeout)
			defer cancel()
			r := control.Readiness{Product: p.product, As: p.as, Ready: true}
			if err := p.try(pctx, clients, subject); err != nil {
				r.Ready = false
				r.Missing, r.Fix = diagnose(p, subject, err)
			}
			out[i] = r
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// someUser finds an active user who is no administrator, to try the
// users' products as.
func someUser(ctx context.Context, clients *delegation.Factory, admin string) (string, error) {
	svc, err := clients.Directory(ctx, admin)
	if err != nil {
		return "", err
	}
	page, err := svc.Users.List().Customer("my_customer").Query("isAdmin=false").MaxResults(50).
		Fields("users(primaryEmail,suspended,archived,isDelegatedAdmin)").Context(ctx).Do()
	if err != nil {
		return "", fmt.Errorf("setup check: list users: %w", err)
	}
	for _, u := range page.Users {
		if !u.Suspended && !u.Archived && !u.IsDelegatedAdmin {
			return strings.ToLower(u.PrimaryEmail), nil
		}
	}
	return admin, nil
}

// enableURL finds the link in Google's accessNotConfigured message.
var enableURL = regexp.MustCompile(`https://console\.(developers|cloud)\.google\.com/apis/api/[^\s]+`)

// services are the APIs' service names, to enable them.
var services = map[string]string{
	delegation.APIDirectory: "admin.googleapis.com", delegation.APIGmail: "gmail.googleapis.com",
	delegation.APIDrive: "drive.googleapis.com", delegation.APICalendar: "calendar-json.googleapis.com",
	delegation.APIPeople: "people.googleapis.com", delegation.APITasks: "tasks.googleapis.com",
	delegation.APIKeep: "keep.googleapis.com", delegation.APIGroupsSettings: "groupssettings.googleapis.com",
	delegation.APIChat: "chat.googleapis.com", delegation.APIClassroom: "classroom.googleapis.com",
	delegation.APIVault: "vault.googleapis.com", delegation.APIStorage: "storage.googleapis.com",
	delegation.APIReports: "admin.googleapis.com",
}

// diagnose says what is missing and how to fix it.
func diagnose(p probe, subject string, err error) (missing, fix string) {
	var se *delegation.ScopeError
	if errors.As(err, &se) {
		return se.Lacks(), fmt.Sprintf("In the Admin console open Security → Access and data control → API controls → "+
			"Manage domain-wide delegation, edit the entry of client id %s and add %s (the full list is in docs/deploy.md, step 4). "+
			"It takes effect within minutes, at most 24 hours.", se.ClientID, strings.Join(se.Missing, ","))
	}
	var ge *googleapi.Error
	if !errors.As(err, &ge) {
		return "could not be checked: " + pacer.Reason(err), "Run the check again; if it keeps failing, see the function's log."
	}
	switch {
	case ge.Code == http.StatusForbidden && (hasReason(ge, "accessNotConfigured") || strings.Contains(ge.Body, "SERVICE_DISABLED")):
		service := services[p.api]
		fix := fmt.Sprintf("Enable %s in the project of the delegation service account: gcloud services enable %s "+
			"(terraform apply enables it too)", service, service)
		if u := enableURL.FindString(ge.Message); u != "" {
			fix += ", or open " + u
		}
		return "the API " + service + " is not enabled in the project", fix + "."
	case p.api == delegation.APIChat && ge.Code == http.StatusNotFound && strings.Contains(ge.Message, "Chat app not found"):
		return `no Chat app is configured in the project (Chat answers "Google Chat app not found")`,
			"In the Google Cloud console open APIs & Services → Google Chat API → Configuration, enter an app name, " +
				"an avatar URL and a description, leave the interactive features off, and save (docs/deploy.md, step 4)."
	case p.api == delegation.APIVault && ge.Code == http.StatusForbidden:
		return "Vault licence or privilege: Google Vault refused " + subject + " (" + ge.Message + ")",
			"Give the organisation Vault licences (Enterprise, Education or the Vault add-on) and " + subject +
				" the Vault privileges Manage matters, Manage exports and View all matters (Admin console → Account → Admin roles). " +
				"Without them the export lists Vault as unsupported and exports everything else."
	}
	return "the API refused the check: " + pacer.Reason(err), "See docs/deploy.md for what orgexport needs of this API."
}

func hasReason(ge *googleapi.Error, reason string) bool {
	for _, e := range ge.Errors {
		if e.Reason == reason {
			return true
		}
	}
	return false
}
