// Command clibench measures the orgexport command line (cmd/orgexport)
// outside go test, with the binary a user installs:
//
//   - download throughput against the Cloud Storage emulator, beside
//     gcloud storage cp -r of the same archive in the same run (or, when
//     gcloud cannot reach the emulator, a plain sequential copy with the same
//     client), and verify's throughput;
//   - the peak RSS of downloading (through signed URLs) and verifying one
//     large part, 5 GiB by default: it must stay at most 100 MiB.
//
// Run it from the module's root:
//
//	go run ./emulators/cmd/demo -dir /tmp/demo      # a real archive, optional
//	go run ./emulators/cmd/clibench -archive /tmp/demo/archive
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/orgexport/orgexport/emulators/procstat"
)

func main() {
	archive := flag.String("archive", "", "a downloaded archive (with manifest.json) to serve from the emulator; empty: a synthetic one")
	partSize := flag.Int64("part", 5<<30, "size of the large part, in bytes (0 skips the memory benchmark)")
	work := flag.String("work", "", "folder for the binary, the archives and the copies (default: a temporary folder, removed)")
	parallel := flag.Int("parallel", 8, "orgexport download --parallel")
	flag.Parse()
	ctx := context.Background()
	dir := *work
	if dir == "" {
		d, err := os.MkdirTemp("", "clibench-")
		if err != nil {
			fail(err)
		}
		defer os.RemoveAll(d)
		dir = d
	}
	bin := filepath.Join(dir, "orgexport")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/orgexport").CombinedOutput(); err != nil {
		fail(fmt.Errorf("go build ./cmd/orgexport (run from the module's root): %v\n%s", err, out))
	}
	if err := throughput(ctx, bin, dir, *archive, *parallel); err != nil {
		fail(err)
	}
	if *partSize > 0 {
		if err := bigPart(ctx, bin, dir, *partSize, *parallel); err != nil {
			fail(err)
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "clibench:", err)
	os.Exit(1)
}

// measured is one run of a command.
type measured struct {
	took    time.Duration
	peakRSS int64 // bytes
	output  string
}

// runCLI runs a command and measures its wall time and peak RSS. The
// peak is the process's VmHWM, read every 10 ms: wait4's ru_maxrss would
// not do, as Linux carries the parent's high-water mark into a child
// started with vfork (as Go starts them) across execve.
func runCLI(env []string, name string, args ...string) (measured, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return measured{}, err
	}
	done := make(chan struct{})
	peak := make(chan int64, 1)
	go func() {
		var hwm int64
		for {
			hwm = max(hwm, vmHWM(cmd.Process.Pid))
			select {
			case <-done:
				peak <- hwm
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	err := cmd.Wait()
	close(done)
	m := measured{took: time.Since(t0), output: out.String(), peakRSS: <-peak}
	if err != nil {
		return m, fmt.Errorf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, tail(m.output, 10))
	}
	return m, nil
}

// vmHWM is the peak resident set size of a running process, in bytes;
// 0 once it has ended.
func vmHWM(pid int) int64 {
	b, _ := procstat.PeakRSS(pid)
	return b
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

func mbps(bytes int64, d time.Duration) float64 { return float64(bytes) / d.Seconds() / 1e6 }
