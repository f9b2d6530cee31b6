package devstack

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/orgexport/orgexport/emulators/cloudtasks"
	"github.com/orgexport/orgexport/emulators/frontdoor"
	"github.com/orgexport/orgexport/emulators/gcloud"
	"github.com/orgexport/orgexport/emulators/oidcissuer"
	"github.com/orgexport/orgexport/emulators/smtpsink"
	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

// moduleRoot finds the module's folder from this file's, so the stack can
// build the functions wherever it is started from.
func moduleRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

func (s *Stack) bin(name string) string { return filepath.Join(s.opts.Dir, "bin", name) }

// build compiles the functions runner and the Cloud Storage emulator.
func (s *Stack) build(ctx context.Context) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(s.opts.Dir, "bin")+"/",
		"./emulators/cmd/functions", "./emulators/cmd/gcs-emulator")
	cmd.Dir = moduleRoot()
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %w\n%s", err, out)
	}
	return nil
}

func (s *Stack) startFirestore(ctx context.Context) error {
	e, err := gcloud.StartFirestore(ctx, gcloud.Options{Project: Project, LogDir: filepath.Join(s.opts.Dir, "logs")})
	if err != nil {
		return err
	}
	s.firestore = e
	s.onClose(e.Stop)
	return nil
}

func (s *Stack) startPubSub(ctx context.Context) error {
	e, err := gcloud.StartPubSub(ctx, gcloud.Options{Project: Project, LogDir: filepath.Join(s.opts.Dir, "logs")})
	if err != nil {
		return err
	}
	s.pubsub = e
	s.onClose(e.Stop)
	return nil
}

// startStorage runs fake-gcs-server in its own process, keeping objects in
// files: it holds uploads in memory otherwise.
func (s *Stack) startStorage(ctx context.Context) error {
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	p, err := startProcess("gcs-emulator", filepath.Join(s.opts.Dir, "logs"), nil, s.bin("gcs-emulator"),
		"-addr", addr, "-bucket", Bucket, "-root", filepath.Join(s.opts.Dir, "bucket"))
	if err != nil {
		return err
	}
	s.gcs, s.storage = p, addr
	s.onClose(p.stop)
	return p.waitPort(ctx, addr, 30*time.Second)
}

func (s *Stack) startTasks(ctx context.Context) error {
	t, err := cloudtasks.Start(ctx, cloudtasks.Options{Duplicate: s.opts.Duplicate})
	if err != nil {
		return err
	}
	s.tasks = t
	s.onClose(t.Close)
	return nil
}

func (s *Stack) startWorkspace(ctx context.Context) error {
	org := s.opts.Org
	if org == nil {
		opts, err := synth.Preset(s.opts.Preset, s.opts.Seed)
		if err != nil {
			return err
		}
		// Relative to now, so the accounts made "in the last 24 hours" fall
		// after the cut-off (R4) of an export started now.
		opts.Now = time.Now().UTC().Truncate(time.Second)
		if org, err = synth.New(opts); err != nil {
			return err
		}
	}
	w, err := workspace.Start(workspace.Config{Org: org, Orgs: s.opts.Orgs, Operators: []string{SupportStaff},
		ClientSecrets: map[string]string{AdminAudience: s.secrets.clientSecret}}, "127.0.0.1:0")
	if err != nil {
		return err
	}
	s.Workspace = w
	s.onClose(w.Close)
	return nil
}

func (s *Stack) startMail(ctx context.Context) error {
	m, err := smtpsink.StartWith(filepath.Join(s.opts.Dir, "mail"),
		smtpsink.Options{Username: s.opts.SMTPUsername, Password: s.opts.SMTPPassword})
	if err != nil {
		return err
	}
	s.Mail = m
	s.onClose(m.Close)
	return nil
}

// startIssuer serves the issuer that signs push and scheduler tokens, as
// Google does in production.
func (s *Stack) startIssuer(ctx context.Context) error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	iss, err := oidcissuer.New("http://"+l.Addr().String(), nil)
	if err != nil {
		l.Close()
		return err
	}
	srv := &http.Server{Handler: iss.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(l) }()
	s.google, s.googleSrv = iss, srv
	s.onClose(srv.Close)
	return nil
}

// env lists a function's variables: the same names as in the cloud.
func (s *Stack) env(name string) []string {
	ws := s.Workspace
	m := map[string]string{
		"GOOGLE_CLOUD_PROJECT":    Project,
		"FIRESTORE_EMULATOR_HOST": s.firestore.HostPort(),
		"PUBSUB_EMULATOR_HOST":    s.pubsub.HostPort(),
		"STORAGE_EMULATOR_HOST":   s.storage,
		"ORGEXPORT_LOG_FORMAT":    "json",
		// Each account paces its calls to its share of the quotas, one of
		// as many as the local accounts queue runs at once.
		"ORGEXPORT_ACCOUNTS_CONCURRENCY":       strconv.Itoa(int(queues["export-accounts"].RateLimits.MaxConcurrentDispatches)),
		"ORGEXPORT_ADMIN_TOKEN_ISSUER":         ws.IssuerURL(),
		"ORGEXPORT_ADMIN_TOKEN_AUDIENCE":       AdminAudience,
		"ORGEXPORT_WORKSPACE_ENDPOINT":         ws.URL(),
		"ORGEXPORT_DELEGATION_SERVICE_ACCOUNT": ws.DelegationAccount(),
		"ORGEXPORT_DELEGATION_CLIENT_ID":       ws.DelegationClientID(),
		"ORGEXPORT_CLOUDTASKS_ENDPOINT":        s.tasks.Addr(),
		"ORGEXPORT_TASKS_LOCATION":             "us-central1",
		"ORGEXPORT_TASKS_INVOKER":              TasksInvoker,
		"ORGEXPORT_BEGIN_URL":                  s.URLs["BeginExport"],
		"ORGEXPORT_EXPORT_ACCOUNT_URL":         s.URLs["ExportAccount"],
		"ORGEXPORT_BUCKET":                     Bucket,
		"ORGEXPORT_SMTP_HOST":                  strings.Split(s.Mail.Addr(), ":")[0],
		"ORGEXPORT_SMTP_PORT":                  strings.Split(s.Mail.Addr(), ":")[1],
		"ORGEXPORT_SMTP_TLS":                   "none",
		"ORGEXPORT_MAIL_FROM":                  "orgexport@orgexport.example",
		"ORGEXPORT_CONSOLE_URL":                s.ConsoleURL(),
		"ORGEXPORT_CONSOLE_SESSION_KEY":        s.secrets.sessionKey,
		"ORGEXPORT_CONSOLE_CLIENT_SECRET":      s.secrets.clientSecret,
		"ORGEXPORT_ARCHIVE_URL":                "http://" + s.storage + "/" + Bucket,
		"ORGEXPORT_SUPPORT_STAFF":              SupportStaff,
		"ORGEXPORT_SERVICE_TOKEN_AUDIENCE":     s.URLs[name],
	}
	if s.invokers.RequiresIAM(name) {
		m["ORGEXPORT_BEHIND_CLOUD_RUN_IAM"] = "true" // as infra/functions.tf sets it
	}
	if name == "StartExport" { // the command line's sign-in and signed downloads
		m["ORGEXPORT_ADMIN_CLI_CLIENT_ID"], m["ORGEXPORT_URL_SIGNER"] = CLIClientID, ws.URLSigner()
	}
	switch name {
	case "BeginExport", "ExportAccount":
		m["ORGEXPORT_SERVICE_TOKEN_ISSUER"] = s.tasks.IssuerURL()
		m["ORGEXPORT_ALLOWED_CALLERS"] = TasksInvoker
	case "AssembleReport":
		m["ORGEXPORT_SERVICE_TOKEN_ISSUER"] = s.google.URL()
		m["ORGEXPORT_ALLOWED_CALLERS"] = PushAccount
	case "Housekeeping":
		m["ORGEXPORT_SERVICE_TOKEN_ISSUER"] = s.google.URL()
		m["ORGEXPORT_ALLOWED_CALLERS"] = SchedulerAccount
	}
	if s.opts.SMTPPassword != "" {
		m["ORGEXPORT_SMTP_USERNAME"], m["ORGEXPORT_SMTP_PASSWORD"] = s.opts.SMTPUsername, s.opts.SMTPPassword
	}
	if s.opts.Hold > 0 {
		m["ORGEXPORT_HOLD"] = s.opts.Hold.String()
	}
	if s.opts.PartSize != "" {
		m["ORGEXPORT_PART_SIZE"] = s.opts.PartSize
	}
	for k, v := range s.opts.Env {
		m[k] = v
	}
	out := make([]string, 0, len(m)+1)
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	return append(out, "FUNCTION_TARGET="+name)
}

var functionNames = []string{"StartExport", "BeginExport", "ExportAccount", "AssembleReport", "Housekeeping", "Support"}

// callerAccounts are the local service accounts standing for infra/'s
// google_service_account.caller keys.
var callerAccounts = map[string]string{
	"tasks_invoker": TasksInvoker,
	"pubsub_push":   PushAccount,
	"scheduler":     SchedulerAccount,
}

// startFunctions runs each function in its own process on its own port,
// behind a front door that does what Cloud Run does (emulators/frontdoor),
// with the invokers infra/invokers.tf grants. The function URLs are the
// front doors'; nothing in the stack calls a function's process directly.
func (s *Stack) startFunctions(ctx context.Context) error {
	inv, err := frontdoor.ReadInvokers(filepath.Join(moduleRoot(), "infra"))
	if err != nil {
		return err
	}
	s.invokers = inv
	// Each function's port is held by a listener until just before its
	// process starts: the front doors and recording proxies started
	// meanwhile bind ports of their own, and must not be handed one of
	// these (a function that finds its port taken exits, and its front
	// door would answer for it).
	addrs := map[string]string{}
	held := map[string]net.Listener{}
	defer func() {
		for _, l := range held {
			l.Close()
		}
	}()
	for _, name := range functionNames {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		held[name] = l
		addr := l.Addr().String()
		members, err := inv.Members(name, callerAccounts)
		if err != nil {
			return err
		}
		d, err := frontdoor.Start(frontdoor.Service{Name: name, Backend: "http://" + addr, Invokers: members},
			frontdoor.Options{Issuers: []string{s.tasks.IssuerURL(), s.google.URL()}})
		if err != nil {
			return err
		}
		s.onClose(d.Close)
		addrs[name] = addr
		s.URLs[name] = d.URL()
	}
	envs := map[string][]string{}
	for _, name := range functionNames {
		_, port, _ := strings.Cut(addrs[name], ":")
		env := append(s.env(name), "PORT="+port)
		recording, err := s.recordingEnv(name)
		if err != nil {
			return err
		}
		for k, v := range recording {
			env = append(env, k+"="+v)
		}
		envs[name] = env
	}
	for _, name := range functionNames {
		held[name].Close()
		delete(held, name)
		p, err := startProcess(name, filepath.Join(s.opts.Dir, "logs"), envs[name], s.bin("functions"))
		if err != nil {
			return err
		}
		s.functions[name] = p
		s.onClose(p.stop) // stopped after the push forwarder, before the emulators
	}
	for _, name := range functionNames {
		if err := s.functions[name].waitPort(ctx, addrs[name], 60*time.Second); err != nil {
			return err
		}
	}
	return nil
}
