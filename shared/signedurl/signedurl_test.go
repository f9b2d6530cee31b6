package signedurl_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/storage"
	"google.golang.org/api/option"

	"github.com/orgexport/orgexport/emulators/gcs"
	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/manifest"
	"github.com/orgexport/orgexport/shared/signedurl"
	"github.com/orgexport/orgexport/shared/signedurl/signedurltest"
)

// Keyless signing through the emulator's IAM Credentials signBlob: every
// object of the manifest, and the manifest itself, gets a URL that checks
// out as Cloud Storage checks a V4 signature, and that the Cloud Storage
// emulator serves.
func TestDownloadsAreSignedAndServed(t *testing.T) {
	ctx := context.Background()
	srv, err := gcs.Start(gcs.Options{Buckets: []string{"archive"}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	t.Setenv(gcs.EnvStorage, srv.HostPort())
	org, _ := synth.New(synth.Tiny(1))
	ws, err := workspace.Start(workspace.Config{Org: org}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	client, err := storage.NewClient(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()

	objects := map[string]string{"report.json": `{"version":1}`, "users/a b@example.com/a b@example.com-001.zip": "PK zip bytes"}
	m := manifest.Manifest{Version: 1, ExportID: "E1"}
	for name, body := range objects {
		put(ctx, t, client, "C1/E1/"+name, body)
		sum, _ := manifest.File(strings.NewReader(body), false)
		m.Objects = append(m.Objects, manifest.Entry{Name: name, Size: sum.Size, MD5: sum.MD5, CRC32C: sum.CRC32C})
	}
	mb, _ := json.Marshal(m)
	put(ctx, t, client, "C1/E1/manifest.json", string(mb))
	objects["manifest.json"] = string(mb)

	signer, err := signedurl.NewIAMSigner(ctx, ws.URLSigner(), option.WithEndpoint(ws.URL()+"/"), option.WithoutAuthentication())
	if err != nil {
		t.Fatal(err)
	}
	a, err := signedurl.New(client, "archive", ws.URLSigner(), signer, signedurl.Options{Expiry: 3 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	d, err := a.Downloads(ctx, "C1/E1/")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Objects) != 3 || d.Objects[0].Name != "manifest.json" {
		t.Fatalf("objects: %+v", d.Objects)
	}
	if left := time.Until(d.ExpiresAt); left > time.Hour || left < 59*time.Minute {
		t.Errorf("expires in %s, want an hour at most (asked for 3h)", left)
	}
	key, _ := ws.URLSignerKey()
	for _, o := range d.Objects {
		if err := signedurltest.Check(o.URL, ws.URLSigner(), key, time.Now(), signedurl.MaxExpiry); err != nil {
			t.Errorf("%s: %v", o.Name, err)
		}
		sum, _ := manifest.File(strings.NewReader(objects[o.Name]), false)
		if o.Size != sum.Size || o.CRC32C != sum.CRC32C || o.MD5 != sum.MD5 {
			t.Errorf("%s: %+v, want %+v", o.Name, o, sum)
		}
		resp, err := http.Get(o.URL)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || string(body) != objects[o.Name] {
			t.Errorf("GET %s: %s %q", o.Name, resp.Status, body)
		}
	}
	// The check fails for a URL moved to another object, or too late.
	moved := strings.Replace(d.Objects[1].URL, "/C1/E1/", "/C1/E2/", 1)
	if signedurltest.Check(moved, ws.URLSigner(), key, time.Now(), signedurl.MaxExpiry) == nil {
		t.Error("a URL edited to another object passed the check")
	}
	if signedurltest.Check(d.Objects[1].URL, ws.URLSigner(), key, time.Now().Add(61*time.Minute), signedurl.MaxExpiry) == nil {
		t.Error("an expired URL passed the check")
	}
	if _, err := a.Downloads(ctx, "C1/none/"); err != signedurl.ErrNoManifest {
		t.Errorf("an export without manifest: %v", err)
	}
}

func put(ctx context.Context, t *testing.T, c *storage.Client, name, body string) {
	w := c.Bucket("archive").Object(name).NewWriter(ctx)
	io.WriteString(w, body)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestMain(m *testing.M) { os.Exit(m.Run()) }
