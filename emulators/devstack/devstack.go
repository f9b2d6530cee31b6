package devstack

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"cloud.google.com/go/pubsub/v2"

	"github.com/orgexport/orgexport/emulators/cloudtasks"
	"github.com/orgexport/orgexport/emulators/duplicate"
	"github.com/orgexport/orgexport/emulators/frontdoor"
	"github.com/orgexport/orgexport/emulators/gcloud"
	"github.com/orgexport/orgexport/emulators/iamrecord"
	"github.com/orgexport/orgexport/emulators/oidcissuer"
	"github.com/orgexport/orgexport/emulators/pubsubpush"
	"github.com/orgexport/orgexport/emulators/smtpsink"
	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

// Options configure a stack.
type Options struct {
	// Dir holds the stack's files: logs, the bucket's objects, mail and
	// binaries. Required.
	Dir string
	// Preset and Seed choose the synthetic organisation ("tiny", "demo").
	Preset string
	Seed   int64
	// Org, if set, is served instead of a preset.
	Org *synth.Org
	// Orgs are further organisations the Workspace emulator serves beside
	// the first, each on its own domain; one deployment serves them all.
	Orgs []*synth.Org
	// SMTPUsername and SMTPPassword, when set, make the SMTP sink require
	// AUTH with them; the functions get them as ORGEXPORT_SMTP_USERNAME
	// and ORGEXPORT_SMTP_PASSWORD (from Secret Manager in production).
	SMTPUsername, SMTPPassword string
	// Hold replaces the 48-hour hold (R3a) through configuration.
	Hold time.Duration
	// PartSize splits account zips; default 2 GiB.
	PartSize string
	// HousekeepingEvery runs Housekeeping as Cloud Scheduler would; zero
	// means never (call Housekeeping yourself).
	HousekeepingEvery time.Duration
	// Log receives the stack's own progress lines.
	Log *slog.Logger
	// Env adds or overrides variables of every function.
	Env map[string]string
	// Record, when set, receives the Cloud IAM permissions each function
	// exercises against the emulators (through a proxy per function).
	Record *iamrecord.Recorder

	// Duplicate sends every Cloud Tasks dispatch and every Pub/Sub push a
	// second time, concurrently with the original or right after it
	// answered (package emulators/duplicate), as the services' at-least-
	// once delivery may; Stack.SetDuplicate changes it while running.
	Duplicate duplicate.Mode
}

// Project is the project id of the local stack.
const Project = "orgexport-local"

// Bucket is the archive bucket's name.
const Bucket = "orgexport-archive"

// Service accounts the local tokens are issued for.
const (
	TasksInvoker     = "tasks-invoker@orgexport-local.iam.gserviceaccount.com"
	PushAccount      = "pubsub-push@orgexport-local.iam.gserviceaccount.com"
	SchedulerAccount = "scheduler@orgexport-local.iam.gserviceaccount.com"
	AdminAudience    = "orgexport-console"
	// CLIClientID is the command line's OAuth client id (a Desktop app),
	// accepted by StartExport beside AdminAudience.
	CLIClientID  = "orgexport-cli"
	SupportStaff = "support@orgexport.example"
)

// Stack is a running local cloud with the functions.
type Stack struct {
	opts      Options
	log       *slog.Logger
	firestore *gcloud.Emulator
	pubsub    *gcloud.Emulator
	gcs       *process
	storage   string // host:port
	tasks     *cloudtasks.Server
	Workspace *workspace.Server
	Mail      *smtpsink.Sink
	google    *oidcissuer.Issuer // stands in for Google's issuer for push and scheduler tokens
	googleSrv *http.Server
	forwarder *pubsubpush.Forwarder
	psClient  *pubsub.Client
	functions map[string]*process
	invokers  frontdoor.Invokers
	// URLs of the functions, by name.
	URLs    map[string]string
	cancel  context.CancelFunc
	closers []func() error
	// secrets are made fresh for each stack, as Secret Manager holds them
	// in the cloud.
	secrets struct{ sessionKey, clientSecret string }
}

// Start brings the whole stack up, or nothing: a failure stops what started.
func Start(ctx context.Context, o Options) (_ *Stack, err error) {
	if o.Dir == "" {
		return nil, errors.New("devstack: Options.Dir is required")
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	for _, d := range []string{"logs", "bucket", "mail", "bin"} {
		if err := os.MkdirAll(filepath.Join(o.Dir, d), 0o755); err != nil {
			return nil, err
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	s := &Stack{opts: o, log: o.Log, cancel: cancel, functions: map[string]*process{}, URLs: map[string]string{}}
	s.secrets.sessionKey, s.secrets.clientSecret = randomSecret(), randomSecret()
	defer func() {
		if err != nil {
			_ = s.Close()
		}
	}()
	steps := []struct {
		name string
		fn   func(context.Context) error
	}{
		{"build the functions", s.build},
		{"Firestore emulator", s.startFirestore},
		{"Pub/Sub emulator", s.startPubSub},
		{"Cloud Storage emulator", s.startStorage},
		{"Cloud Tasks emulator", s.startTasks},
		{"Workspace emulator", s.startWorkspace},
		{"SMTP sink", s.startMail},
		{"local token issuer", s.startIssuer},
		{"functions", s.startFunctions},
		{"queues, topic and push", s.wire},
	}
	for _, st := range steps {
		t0 := time.Now()
		if err := st.fn(ctx); err != nil {
			return nil, fmt.Errorf("devstack: %s: %w", st.name, err)
		}
		s.log.Info("started", "what", st.name, "took", time.Since(t0).Round(time.Millisecond))
	}
	if o.HousekeepingEvery > 0 {
		go s.schedule(ctx, o.HousekeepingEvery)
	}
	return s, nil
}

// Close stops everything, functions first.
func (s *Stack) Close() error {
	s.cancel()
	var errs []error
	for i := len(s.closers) - 1; i >= 0; i-- {
		errs = append(errs, s.closers[i]())
	}
	return errors.Join(errs...)
}

func (s *Stack) onClose(fn func() error) { s.closers = append(s.closers, fn) }

// freeAddr returns a free loopback host:port.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// randomSecret makes a 256-bit secret, as text.
func randomSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// DescribeAccounts writes the accounts to sign in to the console as, on
// the Workspace emulator's sign-in page.
func (s *Stack) DescribeAccounts(w io.Writer) {
	fmt.Fprintf(w, "Sign in to the console as (on the Workspace emulator's page, no password):\n")
	for _, org := range s.Workspace.Orgs() {
		users := org.Users()
		for i, u := range users {
			if i >= 6 {
				fmt.Fprintf(w, "  … and %d more users of %s\n", len(users)-i, org.Options().Domain)
				break
			}
			fmt.Fprintf(w, "  %-36s %s\n", u.Email, accountRole(u))
		}
	}
	fmt.Fprintf(w, "  %-36s support staff (Support API, R14)\n", SupportStaff)
	fmt.Fprintf(w, "  %-36s a personal Google account (refused)\n", workspace.ConsumerAccount)
}

func accountRole(u synth.User) string {
	switch {
	case u.Admin && u.Enrolled2SV && u.Enforce2SV && u.Index == 0:
		return "super administrator, may start an export"
	case u.Admin:
		return "super administrator (fails a rule of R1)"
	case u.DelegatedAdmin:
		return "administrator, not super (refused)"
	case u.Suspended:
		return "user, suspended"
	}
	return "user (refused)"
}

// ConsoleURL is the admin console's address (served by StartExport).
func (s *Stack) ConsoleURL() string { return s.URLs["StartExport"] + "/console" }

// Dir is the stack's folder.
func (s *Stack) Dir() string { return s.opts.Dir }

// StorageHost is the Cloud Storage emulator's host:port.
func (s *Stack) StorageHost() string { return s.storage }

// Describe writes where everything is.
func (s *Stack) Describe(w io.Writer) {
	fmt.Fprintf(w, "Firestore emulator   %s\n", s.firestore.HostPort())
	fmt.Fprintf(w, "Pub/Sub emulator     %s\n", s.pubsub.HostPort())
	fmt.Fprintf(w, "Cloud Storage        http://%s  (bucket %s, files in %s)\n", s.storage, Bucket, filepath.Join(s.opts.Dir, "bucket"))
	fmt.Fprintf(w, "Cloud Tasks          %s  (issuer %s)\n", s.tasks.Addr(), s.tasks.IssuerURL())
	fmt.Fprintf(w, "Workspace emulator   %s  (%s)\n", s.Workspace.URL(), s.Workspace.Org().Customer().Domain)
	fmt.Fprintf(w, "SMTP sink            %s  (mail in %s)\n", s.Mail.Addr(), s.Mail.Dir())
	for _, name := range functionNames {
		fmt.Fprintf(w, "%-20s %s\n", name, s.URLs[name])
	}
	fmt.Fprintf(w, "Admin console        %s/\n", s.ConsoleURL())
	fmt.Fprintf(w, "Logs                 %s\n", filepath.Join(s.opts.Dir, "logs"))
}

// FirestoreHost is the Firestore emulator's host:port.
func (s *Stack) FirestoreHost() string { return s.firestore.HostPort() }

// SetDuplicate changes how the Cloud Tasks dispatches and Pub/Sub pushes
// that start from now on are delivered: once (duplicate.Off) or twice.
func (s *Stack) SetDuplicate(m duplicate.Mode) {
	s.tasks.SetDuplicate(m)
	s.forwarder.SetDuplicate(m)
}

// InFlight is the number of Cloud Tasks dispatches and Pub/Sub messages
// being delivered (duplicates and pushes waiting for a retry included).
func (s *Stack) InFlight() int { return s.tasks.InFlight() + s.forwarder.InFlight() }

// PubSubHost is the Pub/Sub emulator's host:port.
func (s *Stack) PubSubHost() string { return s.pubsub.HostPort() }
