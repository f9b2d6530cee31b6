package gcloud_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/gcloud"
)

const helperEnv = "GCLOUD_TEST_HELPER"

// runHelper is the child process of TestKilledParentLeavesNoJava: it starts
// an emulator, prints the JVM's pid and host, and waits to be killed.
func runHelper() int {
	start := gcloud.StartFirestore
	if os.Getenv(helperEnv) == "pubsub" {
		start = gcloud.StartPubSub
	}
	e, err := start(context.Background(), gcloud.Options{})
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	fmt.Println("ready", e.Pid(), e.HostPort(), e.LogPath())
	time.Sleep(time.Minute)
	return 0
}

// When the process that started an emulator is killed with SIGKILL, so no
// cleanup of its own runs, the JVM still goes away.
func TestKilledParentLeavesNoJava(t *testing.T) {
	for _, emu := range []string{"firestore", "pubsub"} {
		t.Run(emu, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), helperEnv+"="+emu)
			out, _ := cmd.StdoutPipe()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Wait()
			defer cmd.Process.Kill()
			line, _ := bufio.NewReader(out).ReadString('\n')
			var pid int
			var host, log string
			if _, err := fmt.Sscanf(line, "ready %d %s %s", &pid, &host, &log); err != nil {
				t.Fatalf("helper: %q", line)
			}
			defer os.Remove(log) // the helper dies before it can remove it
			port := host[strings.LastIndex(host, ":")+1:]
			if n := jvms(t, port); n != 1 {
				t.Fatalf("before kill: %d JVMs on port %s, want 1", n, port)
			}
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(10 * time.Second)
			for alive(pid) || jvms(t, port) > 0 {
				if time.Now().After(deadline) {
					syscall.Kill(-pid, syscall.SIGKILL)
					t.Fatalf("JVM %d still running 10s after its parent was killed", pid)
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
}

// jvms counts Java processes whose command line names the port.
func jvms(t *testing.T, port string) int {
	out, _ := exec.Command("pgrep", "-f", "java .*--port="+port+"( |$)").Output()
	return len(strings.Fields(string(out)))
}

// alive reports whether pid exists and is not a zombie.
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	f := strings.Fields(string(b))
	return len(f) > 2 && f[2] != "Z"
}
