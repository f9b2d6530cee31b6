package config

import "time"

// Variable names shared by the code and infra/.
const (
	EnvProject = "GOOGLE_CLOUD_PROJECT"
)

// Defaults that production and the documentation rely on.
const (
	DefaultHold          = 48 * time.Hour
	DefaultPartSize      = 2 << 30
	DefaultControlQueue  = "export-control"
	DefaultAccountsQueue = "export-accounts"
	DefaultEventsTopic   = "export-events"
	GoogleIssuer         = "https://accounts.google.com"
)

// Logging selects the log format.
type Logging struct {
	Format string // "json" (Cloud Logging) or "text"
	Level  string // "debug", "info", "warn", "error"
}

func (r *reader) logging() Logging {
	return Logging{
		Format: r.oneOf("ORGEXPORT_LOG_FORMAT", "json", "json", "text"),
		Level:  r.oneOf("ORGEXPORT_LOG_LEVEL", "info", "debug", "info", "warn", "error"),
	}
}

// ServiceAuth verifies the OIDC tokens that Cloud Tasks, Pub/Sub push and
// Cloud Scheduler attach to their calls.
type ServiceAuth struct {
	Issuer         string   // https://accounts.google.com in production
	Audience       string   // the function's own URL
	AllowedCallers []string // service account emails whose tokens are accepted
	// BehindCloudRunIAM is set (by infra/, from the same list that makes
	// AllowedCallers the function's only Cloud Run invokers) when Cloud Run
	// verifies the callers' tokens and removes their signatures.
	BehindCloudRunIAM bool
}

func (r *reader) serviceAuth() ServiceAuth {
	return ServiceAuth{
		Issuer:            r.strOr("ORGEXPORT_SERVICE_TOKEN_ISSUER", GoogleIssuer),
		Audience:          r.url("ORGEXPORT_SERVICE_TOKEN_AUDIENCE"),
		AllowedCallers:    r.emails("ORGEXPORT_ALLOWED_CALLERS", true),
		BehindCloudRunIAM: r.oneOf("ORGEXPORT_BEHIND_CLOUD_RUN_IAM", "false", "true", "false") == "true",
	}
}

// AdminAuth verifies the ID tokens of admins and support staff.
type AdminAuth struct {
	Issuer   string // https://accounts.google.com in production
	Audience string // the OAuth client id of the console
	// OtherAudiences are further OAuth client ids whose ID tokens are
	// accepted (the command line's Desktop client, for StartExport).
	OtherAudiences []string
}

func (r *reader) adminAuth() AdminAuth {
	return AdminAuth{
		Issuer:   r.strOr("ORGEXPORT_ADMIN_TOKEN_ISSUER", GoogleIssuer),
		Audience: r.str("ORGEXPORT_ADMIN_TOKEN_AUDIENCE"),
	}
}

// Workspace says how to reach the Google Workspace APIs.
type Workspace struct {
	// Endpoint is the base URL of the Workspace APIs; empty means Google's.
	// Locally it is the Workspace emulator.
	Endpoint string
	// DelegationServiceAccount is the service account with domain-wide
	// delegation that is impersonated (keyless, through IAM Credentials).
	DelegationServiceAccount string
	// DelegationClientID is that account's OAuth client id (its unique id),
	// the one authorised in the Admin console; errors about a missing
	// scope name it. Optional.
	DelegationClientID string
	// ConcurrentAccounts is how many accounts the export-accounts queue
	// runs at once (its max_concurrent_dispatches): each account paces its
	// calls to that share of the project's quotas (shared/quota). 0 means
	// the quota table's default.
	ConcurrentAccounts int
}

func (r *reader) workspace() Workspace {
	return Workspace{
		Endpoint:                 r.optURL("ORGEXPORT_WORKSPACE_ENDPOINT"),
		DelegationServiceAccount: r.email("ORGEXPORT_DELEGATION_SERVICE_ACCOUNT"),
		DelegationClientID:       r.strOr("ORGEXPORT_DELEGATION_CLIENT_ID", ""),
		ConcurrentAccounts:       r.integer("ORGEXPORT_ACCOUNTS_CONCURRENCY", 0, 1, 5000),
	}
}

// Tasks says where Cloud Tasks are created and whom they call.
type Tasks struct {
	Endpoint       string // empty in production; the emulator's host:port locally
	Location       string
	ControlQueue   string
	AccountsQueue  string
	InvokerAccount string // the service account whose OIDC token tasks carry
	BeginURL       string
	AccountURL     string
}

func (r *reader) tasks() Tasks {
	return Tasks{
		Endpoint:       r.strOr("ORGEXPORT_CLOUDTASKS_ENDPOINT", ""),
		Location:       r.str("ORGEXPORT_TASKS_LOCATION"),
		ControlQueue:   r.strOr("ORGEXPORT_CONTROL_QUEUE", DefaultControlQueue),
		AccountsQueue:  r.strOr("ORGEXPORT_ACCOUNTS_QUEUE", DefaultAccountsQueue),
		InvokerAccount: r.email("ORGEXPORT_TASKS_INVOKER"),
		BeginURL:       r.url("ORGEXPORT_BEGIN_URL"),
		AccountURL:     r.url("ORGEXPORT_EXPORT_ACCOUNT_URL"),
	}
}

// Mail configures the SMTP server that sends notifications.
type Mail struct {
	Host     string
	Port     int
	TLS      string // "none", "starttls" or "tls"
	Username string
	Password string // from Secret Manager in production; never logged
	From     string
	// ConsoleURL is the base of links in emails to the export's status page.
	ConsoleURL string
	// ArchiveURL is the base of links to archive objects, e.g.
	// https://console.cloud.google.com/storage/browser/BUCKET or a local path.
	ArchiveURL string
}

func (r *reader) mail() Mail {
	return Mail{
		Host:       r.str("ORGEXPORT_SMTP_HOST"),
		Port:       r.integer("ORGEXPORT_SMTP_PORT", 587, 1, 65535),
		TLS:        r.oneOf("ORGEXPORT_SMTP_TLS", "starttls", "none", "starttls", "tls"),
		Username:   r.strOr("ORGEXPORT_SMTP_USERNAME", ""),
		Password:   r.strOr("ORGEXPORT_SMTP_PASSWORD", ""),
		From:       r.email("ORGEXPORT_MAIL_FROM"),
		ConsoleURL: r.url("ORGEXPORT_CONSOLE_URL"),
		ArchiveURL: r.url("ORGEXPORT_ARCHIVE_URL"),
	}
}

// String hides the password so a logged Mail never reveals it.
func (m Mail) String() string {
	pw := ""
	if m.Password != "" {
		pw = "(set)"
	}
	return "smtp " + m.Host + " user=" + m.Username + " password=" + pw
}

// LogValue keeps the password out of structured logs.
func (m Mail) LogValue() string { return m.String() }

// Console configures the admin console served by StartExport.
type Console struct {
	// SessionKey signs (and encrypts) the session cookie; from Secret
	// Manager in production, generated by the dev stack locally. At least
	// 32 bytes.
	SessionKey string
	// ClientSecret is the OAuth client's secret for the authorization-code
	// exchange; from Secret Manager. Empty for a public client (the
	// Workspace emulator's issuer).
	ClientSecret string
}

func (r *reader) console() Console {
	c := Console{
		SessionKey:   r.str("ORGEXPORT_CONSOLE_SESSION_KEY"),
		ClientSecret: r.strOr("ORGEXPORT_CONSOLE_CLIENT_SECRET", ""),
	}
	if c.SessionKey != "" && len(c.SessionKey) < 32 {
		r.fail("ORGEXPORT_CONSOLE_SESSION_KEY", "must be at least 32 characters (it has %d)", len(c.SessionKey))
	}
	return c
}

// String hides the secrets so a logged Console never reveals them.
func (c Console) String() string { return "console session key (set) client secret (hidden)" }
