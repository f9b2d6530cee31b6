package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/orgexport/orgexport/shared/manifest"
)

// maxRSS is the bound of the issue: 100 MiB.
const maxRSS = 100 << 20

// bigPart writes one part of size bytes, serves it as the API and the
// bucket would (GET /exports/{id}/downloads, then signed GETs with Range),
// and measures the CLI's peak RSS downloading and verifying it.
func bigPart(ctx context.Context, bin, dir string, size int64, parallel int) error {
	src := filepath.Join(dir, "big-source")
	t0 := time.Now()
	if err := synthesize(src, 1, size); err != nil {
		return err
	}
	fmt.Printf("\nlarge part: %.2f GiB written in %s\n", float64(size)/(1<<30), time.Since(t0).Round(time.Second))
	b, err := os.ReadFile(filepath.Join(src, manifest.Name))
	if err != nil {
		return err
	}
	m, err := manifest.Read(strings.NewReader(string(b)))
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	mux := http.NewServeMux()
	// The bucket: objects by name, with Range, as a signed URL serves them.
	mux.Handle("GET /o/", http.StripPrefix("/o/", http.FileServer(http.Dir(src))))
	// The API's answer: one URL per object and for manifest.json.
	mux.HandleFunc("GET /exports/E0bench/downloads", func(w http.ResponseWriter, r *http.Request) {
		self, _ := digestFile(src, manifest.Name)
		objs := []map[string]any{{"name": self.Name, "size": self.Size, "crc32c": self.CRC32C, "md5": self.MD5, "url": base + "/o/" + self.Name}}
		for _, o := range m.Objects {
			objs = append(objs, map[string]any{"name": o.Name, "size": o.Size, "crc32c": o.CRC32C, "md5": o.MD5, "url": base + "/o/" + path.Clean(o.Name)})
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"expires_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339), "objects": objs})
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()

	dst := filepath.Join(dir, "big-copy")
	d, err := runCLI(nil, bin, "download", "--api", base, "--token", "bench", "--parallel", fmt.Sprint(parallel), base+"/exports/E0bench", dst)
	if err != nil {
		return err
	}
	total := m.Bytes()
	fmt.Printf("orgexport download (signed URLs): %s, %.1f MB/s, peak RSS %.1f MiB\n", d.took.Round(time.Millisecond), mbps(total, d.took), float64(d.peakRSS)/(1<<20))
	v, err := runCLI(nil, bin, "verify", dst)
	if err != nil {
		return err
	}
	fmt.Printf("orgexport verify: %s, %.1f MB/s, peak RSS %.1f MiB: %s\n", v.took.Round(time.Millisecond), mbps(total, v.took), float64(v.peakRSS)/(1<<20), tail(v.output, 1))
	os.RemoveAll(src)
	os.RemoveAll(dst)
	if d.peakRSS > maxRSS || v.peakRSS > maxRSS {
		return fmt.Errorf("peak RSS over %d MiB", maxRSS>>20)
	}
	fmt.Printf("peak RSS within %d MiB\n", maxRSS>>20)
	return nil
}
