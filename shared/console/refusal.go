package console

import (
	"errors"
	"net/http"

	"github.com/orgexport/orgexport/shared/auth"
	"github.com/orgexport/orgexport/shared/control"
	"github.com/orgexport/orgexport/shared/export"
)

// refusal is a page that says what went wrong and what to do about it.
type refusal struct {
	Status  int
	Title   string
	Message string
	Steps   []string
	// SignIn offers to sign in (again); Home links to the console's home;
	// Link, when set, is one more way on.
	SignIn, Home   bool
	Link, LinkText string
	// Reference identifies a server error in the logs.
	Reference string
}

type pageKind int

const (
	pageNotFound pageKind = iota
	pageNoMethod
	pageCSRF
	pageSignedOut
	pageExpired
	pageSignInLost
	pageSignInDeclined
	pageUnknownUser
	pageConsumer
	pageNotSuperAdmin
	pageNoExport
	pageServerError
)

var refusals = map[pageKind]refusal{
	pageNotFound: {Status: http.StatusNotFound, Title: "There is no such page",
		Message: "The console has no page at this address.", Home: true},
	pageNoMethod: {Status: http.StatusMethodNotAllowed, Title: "This page cannot do that",
		Message: "The request used a method this page does not accept.", Home: true},
	pageCSRF: {Status: http.StatusForbidden, Title: "The form could not be accepted",
		Message: "The request did not carry this session's security token, or came from another site. Nothing was changed.",
		Steps:   []string{"Go back to the console, reload the page and try again.", "If you did not mean to do this, there is nothing to do: nothing was changed."}, Home: true},
	pageSignedOut: {Status: http.StatusUnauthorized, Title: "You are not signed in",
		Message: "Sign in with your Google Workspace super administrator account to use the console. Nothing was changed.", SignIn: true},
	pageExpired: {Status: http.StatusUnauthorized, Title: "Your session has expired",
		Message: "For your organisation's safety a sign-in lasts at most 8 hours. Nothing was changed.",
		Steps:   []string{"Sign in again, then repeat what you were doing."}, SignIn: true},
	pageSignInLost: {Status: http.StatusBadRequest, Title: "The sign-in could not be completed",
		Message: "The sign-in took too long, was started in another window, or its answer could not be verified.",
		Steps:   []string{"Sign in again from this window."}, SignIn: true},
	pageSignInDeclined: {Status: http.StatusUnauthorized, Title: "The sign-in was not completed",
		Message: "The account page did not sign you in.", Steps: []string{"Sign in again and choose your organisation's super administrator account."}, SignIn: true},
	pageUnknownUser: {Status: http.StatusForbidden, Title: "Your account is not in an organisation this service exports",
		Message: "You are signed in with an account that is not a user of a Google Workspace organisation served here.",
		Steps:   []string{"Sign in with your organisation's Google Workspace account (name@your-company.com).", "If your organisation should be served, ask the team that deployed orgexport."}, SignIn: true},
	pageConsumer: {Status: http.StatusForbidden, Title: "This is a personal Google account",
		Message: "The console exports a Google Workspace organisation, and personal Google accounts have none.",
		Steps: []string{"Sign in with your organisation's Google Workspace super administrator account.",
			"To download the data of a personal account, use Google Takeout: https://takeout.google.com"}, SignIn: true},
	pageNotSuperAdmin: {Status: http.StatusForbidden, Title: "Only super administrators can use the console",
		Message: "Your account is in the organisation, but it is not a super administrator. Exporting all of the organisation's data is reserved to super administrators.",
		Steps: []string{"Ask one of your organisation's super administrators to start the export, or to make your account a super administrator.",
			"To download only your own data, use Google Takeout: https://takeout.google.com"}, SignIn: true},
	pageNoExport: {Status: http.StatusNotFound, Title: "There is no such export in your organisation",
		Message: "No export of your organisation has this id. Check the link, or find the export in the history.",
		Link:    "history", LinkText: "See your organisation's exports", Home: true},
	pageServerError: {Status: http.StatusInternalServerError, Title: "Something went wrong on our side",
		Message: "The console could not finish this request. Nothing you did caused it.",
		Steps: []string{"Try again in a minute; reloading the page is safe.",
			"If it keeps failing, give the reference below to the team that runs orgexport: it finds the details in the logs."}, Home: true},
}

// refuse shows a refusal page. err, when set, is logged: with a reference
// the page shows, for a server error.
func (c *Console) refuse(w http.ResponseWriter, r *http.Request, err error, kind pageKind) {
	ref := refusals[kind]
	if kind == pageServerError {
		ref.Reference = randomToken()[:12]
		c.log.ErrorContext(r.Context(), "console request failed", "path", r.URL.Path, "reference", ref.Reference, "error", err)
	} else if err != nil {
		c.log.InfoContext(r.Context(), "console request refused", "path", r.URL.Path, "error", err)
	}
	c.showRefusal(w, r, ref)
}

func (c *Console) showRefusal(w http.ResponseWriter, r *http.Request, ref refusal) {
	var s session
	if v, err := c.sessions.read(r); err == nil {
		s = v
	}
	if ref.Link != "" && ref.Link[0] != '/' {
		ref.Link = base(r) + "/" + ref.Link
	}
	c.render(w, r, ref.Status, "refusal", s.page(ref.Title, "", ref))
}

// refuseAs maps the control plane's answer to p into a page.
func (c *Console) refuseAs(w http.ResponseWriter, r *http.Request, err error, p auth.Principal) {
	var (
		ref *control.RefusedError
		act *export.ActiveError
		cd  *export.CooldownError
		st  *control.StateError
		rr  *export.RetryRefusal
	)
	switch {
	case errors.Is(err, control.ErrUnknownUser) && p.HostedDomain == "":
		c.refuse(w, r, err, pageConsumer)
	case errors.Is(err, control.ErrUnknownUser), errors.Is(err, auth.ErrForbidden):
		c.refuse(w, r, err, pageUnknownUser)
	case errors.Is(err, control.ErrNotSuperAdmin):
		c.sessions.end(w, r)
		c.refuse(w, r, err, pageNotSuperAdmin)
	case errors.Is(err, export.ErrNotFound):
		c.refuse(w, r, err, pageNoExport)
	case errors.As(err, &ref):
		out := refusal{Status: http.StatusForbidden, Title: "You cannot start an export yet",
			Message: "Each rule below must pass. Nothing was started.", Home: true}
		for _, x := range ref.Refusals {
			out.Steps = append(out.Steps, x.Rule+": "+x.Message)
		}
		c.showRefusal(w, r, out)
	case errors.As(err, &act):
		c.showRefusal(w, r, refusal{Status: http.StatusConflict, Title: "An export is already in progress",
			Message: "Your organisation can have one export at a time. Nothing new was started.",
			Link:    "exports/" + act.ExportID, LinkText: "See the export in progress", Home: true})
	case errors.As(err, &cd):
		c.showRefusal(w, r, refusal{Status: http.StatusConflict, Title: "The next export is possible on " + cd.Until.UTC().Format("2 January 2006, 15:04 MST"),
			Message: "A new export can start 30 days after the last one completed. Nothing was started.",
			Steps:   []string{"Download what you need from the last export while it is available.", "If files failed and you need them sooner, support can reset the limit."}, Home: true})
	case errors.As(err, &st):
		c.showRefusal(w, r, refusal{Status: http.StatusConflict, Title: "The export cannot be changed now",
			Message: st.Error(), Home: true})
	case errors.As(err, &rr):
		c.showRefusal(w, r, refusal{Status: http.StatusConflict, Title: "The failed items cannot be retried now",
			Message: rr.Message + " Nothing was started.", Home: true})
	default:
		c.refuse(w, r, err, pageServerError)
	}
}
