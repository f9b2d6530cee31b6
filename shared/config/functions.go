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
	// CLI serves the command line's sign-in and signed downloads.
	CLI CLI
	// Bucket is the archive bucket, from which the console serves reports.
	Bucket string
	// Console configures the admin console's sign-in and sessions.
	Console Console
	// PartSize is ExportAccount's (ORGEXPORT_PART_SIZE), for the
	// estimate's count of parts.
	PartSize int64
}

// LoadStartExport reads StartExport's configuration.
func LoadStartExport(get Getenv) (StartExport, error) {
	return load(get, func(r *reader) StartExport {
		return StartExport{Common: r.common(), Admin: r.adminAuth(), Workspace: r.workspace(), Tasks: r.tasks(), Mail: r.mail(),
			Hold: r.duration("ORGEXPORT_HOLD", DefaultHold, 0, 30*24*time.Hour), CLI: r.cli(), Bucket: r.bucket(), Console: r.console(),
			PartSize: r.size("ORGEXPORT_PART_SIZE", DefaultPartSize, 1<<20, 64<<30)}
	})
}

// BeginExport configures the post-hold start and account enumeration.
type BeginExport struct{ Plane }

// Plane is what the functions that drive an export read: BeginExport and
// Housekeeping read all of it.
type Plane struct {
	Common
	Service   ServiceAuth
	Workspace Workspace
	Tasks     Tasks
	Mail      Mail
	Bucket    string
	Topic     string
}

func (r *reader) plane() Plane {
	return Plane{Common: r.common(), Service: r.serviceAuth(), Workspace: r.workspace(), Tasks: r.tasks(), Mail: r.mail(), Bucket: r.bucket(), Topic: r.topic()}
}

// LoadBeginExport reads BeginExport's configuration.
func LoadBeginExport(get Getenv) (BeginExport, error) {
	return load(get, func(r *reader) BeginExport { return BeginExport{r.plane()} })
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
	// ZipWorkers is how many deflate streams a part writer runs at once
	// (archive.Options.Workers): the function's vCPUs, which infra/ sets
	// from the same variable (export_account_cpu).
	ZipWorkers int
}

// LoadExportAccount reads ExportAccount's configuration.
func LoadExportAccount(get Getenv) (ExportAccount, error) {
	return load(get, func(r *reader) ExportAccount {
		return ExportAccount{Common: r.common(), Service: r.serviceAuth(), Workspace: r.workspace(), Tasks: r.tasks(), Bucket: r.bucket(), Topic: r.topic(), PartSize: r.size("ORGEXPORT_PART_SIZE", DefaultPartSize, 1<<20, 64<<30), TimeBudget: r.duration("ORGEXPORT_TIME_BUDGET", 25*time.Minute, 10*time.Second, 29*time.Minute),
			ZipWorkers: r.integer("ORGEXPORT_ZIP_WORKERS", 1, 1, 8)}
	})
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
	return load(get, func(r *reader) AssembleReport {
		return AssembleReport{Common: r.common(), Service: r.serviceAuth(), Workspace: r.workspace(), Bucket: r.bucket(), Mail: r.mail()}
	})
}

// Housekeeping configures the hourly scheduler call.
type Housekeeping struct{ Plane }

// LoadHousekeeping reads Housekeeping's configuration.
func LoadHousekeeping(get Getenv) (Housekeeping, error) {
	return load(get, func(r *reader) Housekeeping { return Housekeeping{r.plane()} })
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
	return load(get, func(r *reader) Support {
		return Support{Common: r.common(), Admin: r.adminAuth(), Staff: r.emails("ORGEXPORT_SUPPORT_STAFF", true)}
	})
}

// load reads one function's configuration with read, and returns every
// problem with it at once.
func load[C any](get Getenv, read func(r *reader) C) (C, error) {
	r := newReader(get)
	c := read(r)
	return c, r.err()
}

func (r *reader) bucket() string { return r.str("ORGEXPORT_BUCKET") }

func (r *reader) topic() string { return r.strOr("ORGEXPORT_EVENTS_TOPIC", DefaultEventsTopic) }

// Admins returns how StartExport's callers are verified: the console's
// client id and the command line's.
func (c StartExport) Admins() AdminAuth {
	a := c.Admin
	a.OtherAudiences = append(a.OtherAudiences, c.CLI.ClientID)
	return a
}

// Admins returns how Support's callers are verified.
func (c Support) Admins() AdminAuth { return c.Admin }

// Base returns the settings every function has.
func (c Common) Base() Common { return c }

// Callers returns how BeginExport's and Housekeeping's callers are verified.
func (c Plane) Callers() ServiceAuth { return c.Service }

// Callers returns how ExportAccount's callers are verified.
func (c ExportAccount) Callers() ServiceAuth { return c.Service }

// Callers returns how AssembleReport's callers are verified.
func (c AssembleReport) Callers() ServiceAuth { return c.Service }
