package main

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	ctapi "cloud.google.com/go/cloudtasks/apiv2"
	pb "cloud.google.com/go/cloudtasks/apiv2/cloudtaskspb"
	"google.golang.org/api/option"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// The built command prints its two addresses, serves the API and the
// issuer there, and exits 0 on SIGINT and SIGTERM.
func TestCommandServesAndStopsOnSignal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	bin := filepath.Join(t.TempDir(), "cloudtasks-emulator")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	// the second run listens on all interfaces: its issuer is on loopback
	for i, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		httpAddr := []string{"127.0.0.1:0", "0.0.0.0:0"}[i]
		cmd := exec.Command(bin, "-grpc", "127.0.0.1:0", "-http", httpAddr)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := bufio.NewScanner(stdout)
		grpcAddr := field(t, lines, "grpc")
		httpURL := field(t, lines, "http")
		use(t, grpcAddr, httpURL)

		began := time.Now()
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Wait(); err != nil {
			t.Errorf("after %v: exit %v", sig, err)
		}
		if el := time.Since(began); el > 5*time.Second {
			t.Errorf("took %v to stop", el)
		}
	}
}

func field(t *testing.T, lines *bufio.Scanner, name string) string {
	t.Helper()
	if !lines.Scan() {
		t.Fatalf("no %s line: %v", name, lines.Err())
	}
	k, v, ok := strings.Cut(lines.Text(), " ")
	if !ok || k != name {
		t.Fatalf("line %q, want %q and an address", lines.Text(), name)
	}
	return v
}

// use creates a queue through the official client and fetches the OIDC
// discovery document.
func use(t *testing.T, grpcAddr, httpURL string) {
	ctx := context.Background()
	c, err := ctapi.NewClient(ctx, option.WithEndpoint(grpcAddr), option.WithoutAuthentication(),
		option.WithGRPCDialOption(grpc.WithTransportCredentials(insecure.NewCredentials())))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	q, err := c.CreateQueue(ctx, &pb.CreateQueueRequest{Parent: "projects/p/locations/l",
		Queue: &pb.Queue{Name: "projects/p/locations/l/queues/q"}})
	if err != nil || q.State != pb.Queue_RUNNING {
		t.Errorf("create queue: %v, %v", err, q)
	}
	resp, err := http.Get(httpURL + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var disc struct {
		Issuer string `json:"issuer"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&disc); err != nil || disc.Issuer != httpURL || !strings.HasPrefix(httpURL, "http://127.0.0.1:") {
		t.Errorf("discovery at %s: issuer %q, %v", httpURL, disc.Issuer, err)
	}
}
