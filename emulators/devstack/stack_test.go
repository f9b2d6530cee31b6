package devstack_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"cloud.google.com/go/pubsub/v2"

	"github.com/orgexport/orgexport/emulators/devstack"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/events"
)

// One stack serves every test of the package: it takes a while to start.
var (
	shared     *devstack.Stack
	sharedErr  error
	sharedOnce sync.Once
	sharedDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if shared != nil {
		_ = shared.Close()
	}
	if sharedDir != "" {
		_ = os.RemoveAll(sharedDir)
	}
	os.Exit(code)
}

// stack starts the shared stack on first use: a tiny organisation made
// relative to now, a 2-second hold and 1 MiB parts, so accounts split.
func stack(t *testing.T) *devstack.Stack {
	t.Helper()
	if testing.Short() {
		t.Skip("starts the whole local stack")
	}
	sharedOnce.Do(func() {
		opts := synth.Tiny(7)
		opts.Now = time.Now().UTC().Truncate(time.Second)
		org, err := synth.New(opts)
		if err != nil {
			sharedErr = err
			return
		}
		if sharedDir, err = os.MkdirTemp("", "devstack-test-"); err != nil {
			sharedErr = err
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		shared, sharedErr = devstack.Start(ctx, devstack.Options{Dir: filepath.Join(sharedDir, "stack"), Org: org,
			Hold: 2 * time.Second, PartSize: "1MiB"})
	})
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return shared
}

// A message published to export-events reaches AssembleReport through the
// push subscription, with a verified token, as a CloudEvent.
func TestPublishedEventReachesAssembleReport(t *testing.T) {
	s := stack(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	t.Setenv("PUBSUB_EMULATOR_HOST", s.PubSubHost())
	c, err := pubsub.NewClient(ctx, devstack.Project)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	data, _ := json.Marshal(events.Event{Type: events.ExportCheck, CustomerID: "C-probe", ExportID: "probe-export"})
	pub := c.Publisher("export-events")
	defer pub.Stop()
	id, err := pub.Publish(ctx, &pubsub.Message{Data: data}).Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(s.Dir(), "logs", "AssembleReport.log")
	for ctx.Err() == nil {
		if line := findLine(log, `"id":"`+id+`"`); line != "" {
			if !strings.Contains(line, "google.cloud.pubsub.topic.v1.messagePublished") {
				t.Errorf("AssembleReport received %s, not a messagePublished CloudEvent", line)
			}
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("AssembleReport never logged message %s; its log:\n%s", id, readFile(log))
}

func findLine(path, needle string) string {
	for _, line := range strings.Split(readFile(path), "\n") {
		if strings.Contains(line, needle) && strings.Contains(line, "event received") {
			return line
		}
	}
	return ""
}

func readFile(path string) string {
	b, _ := os.ReadFile(path)
	return string(b)
}
