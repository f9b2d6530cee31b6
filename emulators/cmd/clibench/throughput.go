package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"cloud.google.com/go/storage"

	"github.com/orgexport/orgexport/emulators/gcs"
	"github.com/orgexport/orgexport/shared/manifest"
)

const (
	bucket = "orgexport-archive"
	prefix = "C0bench/E0bench/"
)

// throughput serves an archive from the emulator and copies it three ways.
func throughput(ctx context.Context, bin, dir, archive string, parallel int) error {
	srv, err := gcs.Start(gcs.Options{Buckets: []string{bucket}, Root: filepath.Join(dir, "emulator")})
	if err != nil {
		return err
	}
	defer srv.Stop()
	os.Setenv(gcs.EnvStorage, srv.HostPort())
	client, err := storage.NewClient(ctx)
	if err != nil {
		return err
	}
	defer client.Close()
	if archive == "" {
		archive = filepath.Join(dir, "synthetic")
		if err := synthesize(archive, 48, 4<<20); err != nil {
			return err
		}
	}
	m, err := upload(ctx, client, archive)
	if err != nil {
		return err
	}
	total := m.Bytes()
	fmt.Printf("archive: %d objects, %.1f MB, served by the Cloud Storage emulator (fake-gcs-server, file-backed)\n", len(m.Objects)+1, float64(total)/1e6)
	env := []string{gcs.EnvStorage + "=" + srv.HostPort()}

	ours := filepath.Join(dir, "copy-orgexport")
	d, err := runCLI(env, bin, "download", "--direct", "--parallel", fmt.Sprint(parallel), "gs://"+bucket+"/"+strings.TrimSuffix(prefix, "/"), ours)
	if err != nil {
		return err
	}
	fmt.Printf("orgexport download --direct --parallel %d: %s, %.1f MB/s (peak RSS %.1f MiB)\n", parallel, d.took.Round(time.Millisecond), mbps(total, d.took), float64(d.peakRSS)/(1<<20))

	if g, err := gcloudCopy(srv.URL(), filepath.Join(dir, "copy-gcloud")); err == nil {
		fmt.Printf("gcloud storage cp -r:                %s, %.1f MB/s\n", g.took.Round(time.Millisecond), mbps(total, g.took))
	} else {
		fmt.Printf("gcloud storage cp -r could not copy from the emulator: %v\n", firstLine(err))
		took, err := sequential(ctx, client, m, filepath.Join(dir, "copy-sequential"))
		if err != nil {
			return err
		}
		fmt.Printf("sequential copy, same client:         %s, %.1f MB/s\n", took.Round(time.Millisecond), mbps(total, took))
	}

	v, err := runCLI(nil, bin, "verify", ours)
	if err != nil {
		return err
	}
	fmt.Printf("orgexport verify: %s, %.1f MB/s (peak RSS %.1f MiB): %s\n", v.took.Round(time.Millisecond), mbps(total, v.took), float64(v.peakRSS)/(1<<20), tail(v.output, 1))
	return nil
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(strings.TrimSpace(err.Error()), "\n")
	return s
}

// upload copies the archive folder into the bucket under prefix and
// returns its manifest.
func upload(ctx context.Context, c *storage.Client, dir string) (*manifest.Manifest, error) {
	f, err := os.Open(filepath.Join(dir, manifest.Name))
	if err != nil {
		return nil, err
	}
	m, err := manifest.Read(f)
	f.Close()
	if err != nil {
		return nil, err
	}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		src, err := os.Open(p)
		if err != nil {
			return err
		}
		defer src.Close()
		w := c.Bucket(bucket).Object(prefix + filepath.ToSlash(rel)).NewWriter(ctx)
		w.ChunkSize = 16 << 20
		if _, err := io.Copy(w, src); err != nil {
			w.Close()
			return err
		}
		return w.Close()
	})
	return m, err
}

// gcloudCopy runs gcloud storage cp -r against the emulator, with a
// configuration of its own (no credentials, the emulator's endpoint).
func gcloudCopy(emulator, dst string) (measured, error) {
	if _, err := exec.LookPath("gcloud"); err != nil {
		return measured{}, errors.New("gcloud is not installed")
	}
	cfg, err := os.MkdirTemp("", "clibench-gcloud-")
	if err != nil {
		return measured{}, err
	}
	defer os.RemoveAll(cfg)
	env := []string{"CLOUDSDK_CONFIG=" + cfg, "CLOUDSDK_CORE_DISABLE_PROMPTS=1"}
	for _, kv := range [][2]string{{"api_endpoint_overrides/storage", emulator + "/storage/v1/"}, {"auth/disable_credentials", "True"}, {"core/project", "orgexport-local"}} {
		if _, err := runCLI(env, "gcloud", "config", "set", kv[0], kv[1]); err != nil {
			return measured{}, err
		}
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return measured{}, err
	}
	return runCLI(env, "gcloud", "storage", "cp", "-r", "gs://"+bucket+"/"+prefix+"*", dst)
}

// sequential copies every object one after the other with the client.
func sequential(ctx context.Context, c *storage.Client, m *manifest.Manifest, dst string) (time.Duration, error) {
	t0 := time.Now()
	for _, o := range m.Objects {
		p := filepath.Join(dst, filepath.FromSlash(o.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return 0, err
		}
		r, err := c.Bucket(bucket).Object(prefix + o.Name).NewReader(ctx)
		if err != nil {
			return 0, err
		}
		f, err := os.Create(p)
		if err == nil {
			_, err = io.Copy(f, r)
			f.Close()
		}
		r.Close()
		if err != nil {
			return 0, err
		}
	}
	return time.Since(t0), nil
}
