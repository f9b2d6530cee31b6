package config

import "time"

// Common is what every function reads.
type Common struct {
	Project string
	Logging Logging
}

func (r *reader) common() Common {
	return Common{Project: r.str(EnvProject), Logging: r.logging()}
}

// StartExport configures the admin API: start, status, cancel, audit.
type StartExport struct {
	Common
	Admin     AdminAuth
	Workspace Workspace
	Tasks     Tasks
	Mail      Mail
	// Hold is how long an export waits when the organisation has more than
	// one super administrator (R3a). 48h in production; shortened only by
	// configuration for the local demo.
	Hold time.Duration
	// Bucket is the archive bucket, from which the console serves reports.
	Bucket string
	// Console configures the admin console's sign-in and sessions.
	Console Console
}

// LoadStartExport reads StartExport's configuration.
func LoadStartExport(get Getenv) (StartExport, error) {
	r := newReader(get)
	c := StartExport{
		Common:    r.common(),
		Admin:     r.adminAuth(),
		Workspace: r.workspace(),
		Tasks:     r.tasks(),
		Mail:      r.mail(),
		Hold:      r.duration("ORGEXPORT_HOLD", DefaultHold, 0, 30*24*time.Hour),
		Bucket:    r.str("ORGEXPORT_BUCKET"),
		Console:   r.console(),
	}
	return c, r.err()
}

// BeginExport configures the post-hold start and account enumeration.
type BeginExport struct {
	Common
	Service   ServiceAuth
	Workspace Workspace
	Tasks     Tasks
	Mail      Mail
	Bucket    string
	Topic     string
}

// LoadBeginExport reads BeginExport's configuration.
func LoadBeginExport(get Getenv) (BeginExport, error) {
	r := newReader(get)
	c := BeginExport{
		Common:    r.common(),
		Service:   r.serviceAuth(),
		Workspace: r.workspace(),
		Tasks:     r.tasks(),
		Mail:      r.mail(),
		Bucket:    r.str("ORGEXPORT_BUCKET"),
		Topic:     r.strOr("ORGEXPORT_EVENTS_TOPIC", DefaultEventsTopic),
	}
	return c, r.err()
}

// ExportAccount configures the per-account export.
type ExportAccount struct {
	Common
	Service   ServiceAuth
	Workspace Workspace
	Tasks     Tasks
	Bucket    string
	Topic     string
	// PartSize is the size at which an account's zip is split (R8b).
	PartSize int64
	// TimeBudget is how long one invocation works before it checkpoints and
	// continues in a new task; below the dispatch deadline.
	TimeBudget time.Duration
}

// LoadExportAccount reads ExportAccount's configuration.
func LoadExportAccount(get Getenv) (ExportAccount, error) {
	r := newReader(get)
	c := ExportAccount{
		Common:     r.common(),
		Service:    r.serviceAuth(),
		Workspace:  r.workspace(),
		Tasks:      r.tasks(),
		Bucket:     r.str("ORGEXPORT_BUCKET"),
		Topic:      r.strOr("ORGEXPORT_EVENTS_TOPIC", DefaultEventsTopic),
		PartSize:   r.size("ORGEXPORT_PART_SIZE", DefaultPartSize, 1<<20, 64<<30),
		TimeBudget: r.duration("ORGEXPORT_TIME_BUDGET", 25*time.Minute, 10*time.Second, 29*time.Minute),
	}
	return c, r.err()
}

// AssembleReport configures report assembly and the completion email.
type AssembleReport struct {
	Common
	Service   ServiceAuth
	Workspace Workspace // to re-check the requester before assembly (R3c)
	Bucket    string
	Mail      Mail
}

// LoadAssembleReport reads AssembleReport's configuration.
func LoadAssembleReport(get Getenv) (AssembleReport, error) {
	r := newReader(get)
	c := AssembleReport{
		Common:    r.common(),
		Service:   r.serviceAuth(),
		Workspace: r.workspace(),
		Bucket:    r.str("ORGEXPORT_BUCKET"),
		Mail:      r.mail(),
	}
	return c, r.err()
}

// Housekeeping configures the hourly scheduler call.
type Housekeeping struct {
	Common
	Service   ServiceAuth
	Workspace Workspace
	Tasks     Tasks
	Bucket    string
	Topic     string
	Mail      Mail
}

// LoadHousekeeping reads Housekeeping's configuration.
func LoadHousekeeping(get Getenv) (Housekeeping, error) {
	r := newReader(get)
	c := Housekeeping{
		Common:    r.common(),
		Service:   r.serviceAuth(),
		Workspace: r.workspace(),
		Tasks:     r.tasks(),
		Bucket:    r.str("ORGEXPORT_BUCKET"),
		Topic:     r.strOr("ORGEXPORT_EVENTS_TOPIC", DefaultEventsTopic),
		Mail:      r.mail(),
	}
	return c, r.err()
}

// Support configures the support staff's API (R14).
type Support struct {
	Common
	Admin AdminAuth
	// Staff are the operator accounts allowed to call Support.
	Staff []string
}

// LoadSupport reads Support's configuration.
func LoadSupport(get Getenv) (Support, error) {
	r := newReader(get)
	c := Support{
		Common: r.common(),
		Admin:  r.adminAuth(),
		Staff:  r.emails("ORGEXPORT_SUPPORT_STAFF", true),
	}
	return c, r.err()
}

// Base returns the settings every function has.
func (c Common) Base() Common { return c }

// Callers returns how BeginExport's callers are verified.
func (c BeginExport) Callers() ServiceAuth { return c.Service }

// Callers returns how ExportAccount's callers are verified.
func (c ExportAccount) Callers() ServiceAuth { return c.Service }

// Callers returns how AssembleReport's callers are verified.
func (c AssembleReport) Callers() ServiceAuth { return c.Service }

// Callers returns how Housekeeping's callers are verified.
func (c Housekeeping) Callers() ServiceAuth { return c.Service }
