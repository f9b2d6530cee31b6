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

// The command prints its URL, serves, and exits cleanly on SIGINT.
func TestCommandServesAndStopsOnInterrupt(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "workspace-emulator")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	key := filepath.Join(t.TempDir(), "key.json")
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-preset", "demo", "-seed", "1", "-key-file", key)
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
