package testenv_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/testenv"
)

const helperEnv = "TESTENV_HELPER"

func runtimeGoexit() { runtime.Goexit() }

// TestHelperWaits runs only in the child of TestInterruptStopsEmulators:
// it prints the emulators' ports and waits for the signal.
func TestHelperWaits(t *testing.T) {
	if os.Getenv(helperEnv) == "" {
		t.Skip("helper for TestInterruptStopsEmulators")
	}
	env := testenv.Get(t)
	fmt.Println("ready", port(env.FirestoreHost), port(env.PubSubHost))
	time.Sleep(time.Minute)
}

// Ctrl-C on a test binary stops its emulators: no JVM is left.
func TestInterruptStopsEmulators(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperWaits$")
	cmd.Env = append(os.Environ(), helperEnv+"=1", testenv.EnvFirestore+"=", testenv.EnvPubSub+"=")
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, _ := bufio.NewReader(out).ReadString('\n')
	ports := strings.Fields(strings.TrimPrefix(line, "ready "))
	if len(ports) != 2 || jvms(ports[0]) != 1 || jvms(ports[1]) != 1 {
		t.Fatalf("helper said %q", line)
	}
	begin := time.Now()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Errorf("helper exit: %v, want status 1", err)
	}
	for _, p := range ports {
		if n := jvms(p); n != 0 {
			t.Errorf("%d JVMs still serve port %s after SIGINT", n, p)
		}
	}
	t.Logf("emulators stopped %v after SIGINT", time.Since(begin).Round(time.Millisecond))
}

func port(host string) string { return host[strings.LastIndex(host, ":")+1:] }

func jvms(port string) int {
	out, _ := exec.Command("pgrep", "-f", "java .*--port="+port+"( |$)").Output()
	return len(strings.Fields(string(out)))
}
