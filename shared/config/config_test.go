package config

import (
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) Getenv { return func(k string) string { return m[k] } }

func validStart() map[string]string {
	return map[string]string{
		"GOOGLE_CLOUD_PROJECT":                 "demo",
		"ORGEXPORT_ADMIN_TOKEN_AUDIENCE":       "console",
		"ORGEXPORT_DELEGATION_SERVICE_ACCOUNT": "dwd@demo.iam.gserviceaccount.com",
		"ORGEXPORT_TASKS_LOCATION":             "us-central1",
		"ORGEXPORT_TASKS_INVOKER":              "tasks@demo.iam.gserviceaccount.com",
		"ORGEXPORT_BEGIN_URL":                  "https://begin.example.com",
		"ORGEXPORT_EXPORT_ACCOUNT_URL":         "https://account.example.com",
		"ORGEXPORT_SMTP_HOST":                  "smtp.example.com",
		"ORGEXPORT_MAIL_FROM":                  "orgexport@example.com",
		"ORGEXPORT_CONSOLE_URL":                "https://console.example.com",
		"ORGEXPORT_ARCHIVE_URL":                "https://storage.example.com/b",
		"ORGEXPORT_BUCKET":                     "demo-orgexport-archive",
		"ORGEXPORT_CONSOLE_SESSION_KEY":        strings.Repeat("k", 32),
	}
}

func TestLoadStartExportDefaults(t *testing.T) {
	c, err := LoadStartExport(env(validStart()))
	if err != nil {
		t.Fatal(err)
	}
	if c.Hold != 48*time.Hour || c.Tasks.ControlQueue != "export-control" || c.Mail.Port != 587 || c.Admin.Issuer != GoogleIssuer {
		t.Errorf("defaults not applied: %+v", c)
	}
}

func TestErrorsNameEveryBadVariable(t *testing.T) {
	m := validStart()
	delete(m, "GOOGLE_CLOUD_PROJECT")
	m["ORGEXPORT_HOLD"] = "two days"
	m["ORGEXPORT_BEGIN_URL"] = "ftp://x"
	m["ORGEXPORT_SMTP_TLS"] = "maybe"
	_, err := LoadStartExport(env(m))
	if err == nil {
		t.Fatal("want an error")
	}
	for _, name := range []string{"GOOGLE_CLOUD_PROJECT: is required", "ORGEXPORT_HOLD: must be a duration", "ORGEXPORT_BEGIN_URL: must be an absolute", "ORGEXPORT_SMTP_TLS: must be one of"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error %q does not mention %q", err, name)
		}
	}
}

func TestPasswordNeverPrinted(t *testing.T) {
	m := Mail{Host: "h", Password: "hunter2"}
	if strings.Contains(m.String(), "hunter2") {
		t.Error("password printed")
	}
}

func TestVariablesListsWhatEachFunctionReads(t *testing.T) {
	v := Variables()
	if len(v) != 6 {
		t.Fatalf("want 6 functions, got %d", len(v))
	}
	has := func(fn, name string) bool {
		for _, n := range v[fn] {
			if n == name {
				return true
			}
		}
		return false
	}
	if !has("StartExport", "ORGEXPORT_HOLD") || has("Support", "ORGEXPORT_BUCKET") || !has("ExportAccount", "ORGEXPORT_PART_SIZE") {
		t.Errorf("unexpected variables: %v", v)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"2GiB": 2 << 30, "512MiB": 512 << 20, "1048576": 1 << 20} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v", in, got, err)
		}
	}
	if _, err := ParseSize("-1"); err == nil {
		t.Error("negative size accepted")
	}
}

// A service function whose allowed callers are only separators would
// accept no one — or, read carelessly, anyone: its configuration is refused.
func TestEmptyCallerListIsRefused(t *testing.T) {
	m := map[string]string{
		"GOOGLE_CLOUD_PROJECT": "demo", "ORGEXPORT_SERVICE_TOKEN_AUDIENCE": "https://h.example.com",
		"ORGEXPORT_DELEGATION_SERVICE_ACCOUNT": "dwd@demo.iam.gserviceaccount.com", "ORGEXPORT_BUCKET": "b",
		"ORGEXPORT_SMTP_HOST": "smtp.example.com", "ORGEXPORT_MAIL_FROM": "orgexport@example.com",
		"ORGEXPORT_CONSOLE_URL": "https://console.example.com", "ORGEXPORT_ARCHIVE_URL": "https://storage.example.com/b",
		"ORGEXPORT_ALLOWED_CALLERS": " , ",
	}
	_, err := LoadAssembleReport(env(m))
	if err == nil || !strings.Contains(err.Error(), "ORGEXPORT_ALLOWED_CALLERS: names no email address") {
		t.Fatalf("callers %q: %v", m["ORGEXPORT_ALLOWED_CALLERS"], err)
	}
	m["ORGEXPORT_ALLOWED_CALLERS"] = "push@demo.iam.gserviceaccount.com"
	if _, err := LoadAssembleReport(env(m)); err != nil {
		t.Fatal(err)
	}
}

func TestConsoleSessionKeyIsRequiredAndLong(t *testing.T) {
	m := validStart()
	m["ORGEXPORT_CONSOLE_SESSION_KEY"] = "short"
	if _, err := LoadStartExport(env(m)); err == nil || !strings.Contains(err.Error(), "ORGEXPORT_CONSOLE_SESSION_KEY: must be at least 32") {
		t.Errorf("a short session key: %v", err)
	}
	delete(m, "ORGEXPORT_CONSOLE_SESSION_KEY")
	if _, err := LoadStartExport(env(m)); err == nil || !strings.Contains(err.Error(), "ORGEXPORT_CONSOLE_SESSION_KEY: is required") {
		t.Errorf("no session key: %v", err)
	}
}
