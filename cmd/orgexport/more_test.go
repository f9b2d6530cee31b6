package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// --account copies the named accounts' parts and the root files only; a
// verify of the same accounts passes, a verify of everything names what
// is missing.
func TestDownloadSomeAccounts(t *testing.T) {
	f := bucket(t)
	dir := filepath.Join(t.TempDir(), "archive")
	ctx := testCtx(t)
	if r := cli(ctx, t, "download", "--direct", "--account", "bob@example.com", f.source(), dir); r.code != 0 {
		t.Fatalf("download --account: %v", r)
	}
	if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(alice1))); err == nil {
		t.Error("alice's part was copied")
	}
	for _, p := range []string{bob1, "report.json", "report.html", "manifest.json"} {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(p))); err != nil {
			t.Errorf("%s not copied: %v", p, err)
		}
	}
	if r := cli(ctx, t, "verify", "--account", "bob@example.com", dir); r.code != 0 {
		t.Errorf("verify --account: %v", r)
	}
	if r := cli(ctx, t, "verify", dir); r.code != exitVerify || !hasLine(r.stdout, alice1+": missing") {
		t.Errorf("verify of everything: %v", r)
	}
	if r := cli(ctx, t, "download", "--direct", "--account", "nobody@example.com", f.source(), dir); r.code != exitUsage {
		t.Errorf("an account that is not there: %v", r)
	}
}

// A remediation folder is checked against its own manifest.
func TestVerifyRetryFolder(t *testing.T) {
	f := bucket(t)
	dir := copyDir(t, download(t, f))
	retry := filepath.Join(dir, "retry-1")
	os.MkdirAll(retry, 0o755)
	for _, p := range []string{manifestName, bob1, strings.TrimSuffix(bob1, ".zip") + ".index.ndjson"} {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
		if err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(filepath.Dir(filepath.Join(retry, filepath.FromSlash(p))), 0o755)
		os.WriteFile(filepath.Join(retry, filepath.FromSlash(p)), b, 0o644)
	}
	// retry-1/manifestName.json lists the whole export; drop what is not there.
	mp := filepath.Join(retry, manifestName)
	var m map[string]any
	b, _ := os.ReadFile(mp)
	json.Unmarshal(b, &m)
	var kept []any
	for _, o := range m["objects"].([]any) {
		if n := o.(map[string]any)["name"].(string); strings.HasPrefix(n, "users/bob@example.com/") {
			kept = append(kept, o)
		}
	}
	m["objects"] = kept
	b, _ = json.Marshal(m)
	os.WriteFile(mp, b, 0o644)
	if r := cli(testCtx(t), t, "verify", dir); r.code != 0 {
		t.Fatalf("verify with a retry folder: %v", r)
	}
	truncate(t, filepath.Join(retry, filepath.FromSlash(bob1)), 10)
	if r := cli(testCtx(t), t, "verify", dir); r.code != exitVerify || !hasLine(r.stdout, "retry-1/"+bob1+": truncated") {
		t.Errorf("a damaged file in the retry folder: %v", r)
	}
}

const manifestName = "manifest.json"

// Signed URLs that the bucket refuses (expired) are asked for again, and
// URLs about to expire are renewed before use.
func TestSignedURLsAreRenewed(t *testing.T) {
	f := bucket(t)
	local := download(t, f) // the objects to serve
	var lists, refused atomic.Int64
	mux := http.NewServeMux()
	var srv *httptest.Server
	mux.HandleFunc("GET /api/exports/E0fixture/downloads", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" {
			http.Error(w, `{"error":{"code":401,"message":"no token"}}`, http.StatusUnauthorized)
			return
		}
		n := lists.Add(1)
		b, _ := os.ReadFile(filepath.Join(local, manifestName))
		var m struct {
			Objects []signedObject `json:"objects"`
		}
		json.Unmarshal(b, &m)
		self, _ := os.Stat(filepath.Join(local, manifestName))
		objs := append([]signedObject{{Name: manifestName, Size: self.Size()}}, m.Objects...)
		for i := range objs {
			objs[i].URL = srv.URL + "/bucket/" + objs[i].Name + "?list=" + string(rune('0'+n))
		}
		// The first list is already expired at the bucket; later ones
		// expire in two minutes (inside renewBefore), so every use renews.
		json.NewEncoder(w).Encode(downloads{ExpiresAt: time.Now().Add(2 * time.Minute), Objects: objs})
	})
	mux.HandleFunc("GET /bucket/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("list") == "1" {
			refused.Add(1)
			http.Error(w, "<Error><Code>ExpiredToken</Code></Error>", http.StatusBadRequest)
			return
		}
		http.ServeFile(w, r, filepath.Join(local, filepath.FromSlash(strings.TrimPrefix(r.URL.Path, "/bucket/"))))
	})
	srv = httptest.NewServer(mux)
	defer srv.Close()
	dir := filepath.Join(t.TempDir(), "signed")
	r := cli(testCtx(t), t, "download", "--token", "tok", srv.URL+"/api/exports/E0fixture", dir)
	if r.code != 0 {
		t.Fatalf("download: %v", r)
	}
	if refused.Load() == 0 || lists.Load() < 3 {
		t.Errorf("%d URLs refused, %d lists asked for: renewal not exercised", refused.Load(), lists.Load())
	}
	if r := cli(testCtx(t), t, "verify", dir); r.code != 0 {
		t.Errorf("verify: %v", r)
	}
	if r := cli(testCtx(t), t, "download", "--token", "wrong", srv.URL+"/api/exports/E0fixture", t.TempDir()); r.code != exitUsage || !strings.Contains(r.stderr, "401") {
		t.Errorf("download with a refused token: %v", r)
	}
}
