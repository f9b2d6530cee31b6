package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/devstack"
	"github.com/orgexport/orgexport/emulators/gcs"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/export"
)

// session is a user at a shell: one config folder across commands.
type session struct {
	t         *testing.T
	configDir string
	browser   func(string) error
}

func (s *session) run(ctx context.Context, args ...string) result {
	s.t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdout: &out, stderr: &errb, getenv: func(string) string { return "" }, configDir: s.configDir, openBrowser: s.browser}
	code := run(ctx, e, args)
	return result{code, out.String(), errb.String()}
}

// browserAs plays the admin's browser: it opens the sign-in page, signs in
// as email, and follows the redirect back to the command's loopback port.
func browserAs(t *testing.T, email string) func(string) error {
	return func(authURL string) error {
		go func() {
			noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := http.Get(authURL)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			u, _ := url.Parse(authURL)
			q := u.Query()
			u.RawQuery = ""
			// The sign-in page's form carries the request on and names
			// the account chosen.
			q.Set("login", email)
			resp, err = noRedirect.PostForm(u.String(), q)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			if resp, err = http.Get(resp.Header.Get("Location")); err == nil {
				resp.Body.Close()
			}
		}()
		return nil
	}
}

// TestEndToEnd runs the command line as an admin would, against the local
// stack: login, start, status until done, download through signed URLs
// (and directly), verify, unpack, and compares every mailbox with the
// source's messages.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the whole local stack")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	opts := synth.Tiny(19)
	opts.Now = time.Now().UTC().Truncate(time.Second)
	org, err := synth.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	st, err := devstack.Start(ctx, devstack.Options{Dir: t.TempDir(), Org: org, Hold: 2 * time.Second, PartSize: "1MiB"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	api := st.URLs["StartExport"]
	admin := "admin@" + org.Customer().Domain
	sh := &session{t: t, configDir: t.TempDir(), browser: browserAs(t, admin)}

	r := sh.run(ctx, "login", "--issuer", st.Workspace.IssuerURL(), "--client-id", devstack.CLIClientID, "--api", api, "--email", admin)
	if r.code != 0 || !strings.Contains(r.stdout, "Signed in as "+admin) {
		t.Fatalf("login: %v", r)
	}
	if fi, err := os.Stat(filepath.Join(sh.configDir, "orgexport", "credentials.json")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("credentials: %v, %v", fi, err)
	}
	r = sh.run(ctx, "start")
	var v struct {
		ID    string       `json:"id"`
		State export.State `json:"state"`
	}
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &v) != nil || v.ID == "" {
		t.Fatalf("start: %v", r)
	}
	for v.State != export.Completed && v.State != export.CompletedWithErrors {
		if v.State == export.Cancelled || ctx.Err() != nil {
			t.Fatalf("export %s is %s (logs in %s)", v.ID, v.State, filepath.Join(st.Dir(), "logs"))
		}
		time.Sleep(time.Second)
		if r = sh.run(ctx, "status", v.ID); r.code != 0 || json.Unmarshal([]byte(r.stdout), &v) != nil {
			t.Fatalf("status: %v", r)
		}
	}
	if r := sh.run(ctx, "cancel", v.ID); r.code != exitUsage {
		t.Errorf("cancelling a completed export: %v", r)
	}
	// A Google ID token for another audience (gcloud's own client) is refused.
	other, _ := st.Workspace.MintIDToken(admin, "32555940559.apps.googleusercontent.com")
	if r := sh.run(ctx, "status", "--token", other, v.ID); r.code != exitUsage || !strings.Contains(r.stderr, "401") {
		t.Errorf("status with a token for another audience: %v", r)
	}

	signed := filepath.Join(t.TempDir(), "signed")
	r = sh.run(ctx, "download", api+"/exports/"+v.ID, signed)
	if r.code != 0 {
		t.Fatalf("download through signed URLs: %v", r)
	}
	t.Logf("download through signed URLs:\n%s", lastLines(r.stderr, 3))
	t.Setenv(gcs.EnvStorage, st.StorageHost())
	direct := filepath.Join(t.TempDir(), "direct")
	src := "gs://" + devstack.Bucket + "/" + org.Customer().ID + "/" + v.ID
	if r := sh.run(ctx, "download", "--direct", src, direct); r.code != 0 {
		t.Fatalf("direct download: %v", r)
	}
	if a, b := treeSums(t, signed), treeSums(t, direct); len(a) < 10 || !equalMaps(a, b) {
		t.Errorf("the signed and the direct download differ: %d and %d files", len(a), len(b))
	}
	if r = sh.run(ctx, "verify", signed); r.code != 0 {
		t.Fatalf("verify: %v", r)
	}
	t.Logf("verify: %s", r.stdout)
	out := filepath.Join(t.TempDir(), "out")
	if r := sh.run(ctx, "unpack", signed, out); r.code != 0 {
		t.Fatalf("unpack: %v", r)
	}
	checkMailboxes(t, st, signed, out)
}

// checkMailboxes compares each user's unpacked mailbox with the source's
// messages, byte for byte, and wants at least one mailbox that was split
// across parts.
func checkMailboxes(t *testing.T, st *devstack.Stack, archive, out string) {
	split := 0
	users, _ := filepath.Glob(filepath.Join(out, "users", "*"))
	for _, dir := range users {
		id := filepath.Base(dir)
		parts, _ := filepath.Glob(filepath.Join(archive, "users", id, "*.zip"))
		if len(parts) > 1 {
			split++
		}
		want := map[string]bool{}
		for it := range st.Workspace.Truth(id) {
			if it.Product == export.Gmail {
				want[it.SHA256] = true
			}
		}
		data, err := os.ReadFile(filepath.Join(dir, "Mail", "All mail Including Spam and Trash.mbox"))
		if err != nil {
			t.Errorf("%s: %v", id, err)
			continue
		}
		got := map[string]bool{}
		for _, m := range unmbox(data) {
			s := sha256.Sum256(m)
			got[hex.EncodeToString(s[:])] = true
		}
		if !equalMaps(got, want) {
			t.Errorf("%s: the unpacked mailbox holds %d messages of %d in the source, or others", id, len(got), len(want))
		}
		if ms, _ := filepath.Glob(filepath.Join(dir, "Mail", "*-[0-9]*.mbox")); len(ms) > 0 {
			t.Errorf("%s: continuations left as files: %v", id, ms)
		}
	}
	t.Logf("%d users' mailboxes checked, %d of them in several parts", len(users), split)
	if len(users) == 0 || split == 0 {
		t.Errorf("%d users unpacked, %d with several parts: the test shows nothing", len(users), split)
	}
}

// unmbox splits an mboxrd file into the source messages: without the
// headers the Gmail connector adds, with its quoting undone.
func unmbox(data []byte) [][]byte {
	var out [][]byte
	from := regexp.MustCompile(`^>+From `)
	for _, chunk := range regexp.MustCompile(`(?m)^From .*\n`).Split(string(data), -1)[1:] {
		chunk = strings.TrimSuffix(chunk, "\n")
		var b bytes.Buffer
		for i, l := range strings.SplitAfter(chunk, "\n") {
			if i < 2 && (strings.HasPrefix(l, "X-GM-THRID: ") || strings.HasPrefix(l, "X-Gmail-Labels: ")) {
				continue
			}
			if from.MatchString(l) {
				l = l[1:]
			}
			b.WriteString(l)
		}
		out = append(out, b.Bytes())
	}
	return out
}

func treeSums(t *testing.T, root string) map[string]bool {
	out := map[string]bool{}
	_ = filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			b, _ := os.ReadFile(p)
			rel, _ := filepath.Rel(root, p)
			s := sha256.Sum256(b)
			out[rel+" "+hex.EncodeToString(s[:])] = true
		}
		return nil
	})
	return out
}

func equalMaps(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
