package main

import (
	"bufio"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain runs the command itself when the test re-executes its binary,
// so the test needs no separate build.
func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv("WORKSPACE_EMULATOR_ARGS"); ok {
		os.Args = append([]string{"workspace-emulator"}, strings.Fields(args)...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// The command prints its URL, serves, and exits cleanly on SIGINT.
func TestCommandServesAndStopsOnInterrupt(t *testing.T) {
	key := filepath.Join(t.TempDir(), "key.json")
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "WORKSPACE_EMULATOR_ARGS=-addr 127.0.0.1:0 -preset demo -seed 1 -key-file "+key)
	cmd.Stderr = os.Stderr
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	defer func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
		}
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	url := strings.TrimSpace(line)
	res, err := http.Get(url + "/oidc/.well-known/openid-configuration")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("discovery at %s: %v %v", url, err, res)
	}
	res.Body.Close()
	if b, err := os.ReadFile(key); err != nil || !strings.Contains(string(b), url+"/token") {
		t.Errorf("key file: %v %s", err, b)
	}
	go func() { done <- cmd.Wait() }()
	_ = cmd.Process.Signal(syscall.SIGINT)
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("exit: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("still running 10 s after SIGINT")
	}
}
