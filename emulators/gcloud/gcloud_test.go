package gcloud_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/firestore"
	"cloud.google.com/go/pubsub/v2"
	"cloud.google.com/go/pubsub/v2/apiv1/pubsubpb"
	"google.golang.org/api/iterator"

	"github.com/orgexport/orgexport/emulators/gcloud"
)

var fsEmu, psEmu *gcloud.Emulator

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		os.Exit(runHelper())
	}
	os.Exit(run(m))
}

func run(m *testing.M) int {
	ctx := context.Background()
	type result struct {
		e   *gcloud.Emulator
		err error
	}
	fs, ps := make(chan result, 1), make(chan result, 1)
	go func() { e, err := gcloud.StartFirestore(ctx, gcloud.Options{}); fs <- result{e, err} }()
	go func() { e, err := gcloud.StartPubSub(ctx, gcloud.Options{}); ps <- result{e, err} }()
	f, p := <-fs, <-ps
	for _, r := range []result{f, p} {
		if r.e != nil {
			defer r.e.Stop()
		}
	}
	if f.err != nil || p.err != nil {
		fmt.Fprintln(os.Stderr, errors.Join(f.err, p.err))
		return 1
	}
	fsEmu, psEmu = f.e, p.e
	fmt.Printf("started: firestore in %v, pubsub in %v\n", fsEmu.StartupTime().Round(time.Millisecond), psEmu.StartupTime().Round(time.Millisecond))
	return m.Run()
}

// The official Firestore client finds the emulator through Env, and Reset
// empties the project.
func TestFirestoreClientAndReset(t *testing.T) {
	ctx := context.Background()
	for k, v := range fsEmu.Env() {
		t.Setenv(k, v)
	}
	c, err := firestore.NewClient(ctx, fsEmu.Project())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	doc := c.Collection("customers").Doc("c1")
	if _, err := doc.Set(ctx, map[string]any{"domain": "example.com"}); err != nil {
		t.Fatalf("set: %v", err)
	}
	snap, err := doc.Get(ctx)
	if err != nil || snap.Data()["domain"] != "example.com" {
		t.Fatalf("get: %v %v", snap.Data(), err)
	}
	if err := fsEmu.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := doc.Get(ctx); err == nil {
		t.Fatal("document still there after Reset")
	}
}

// The official Pub/Sub client publishes and pulls through the emulator, and
// Reset removes the project's topics and subscriptions.
func TestPubSubClientAndReset(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for k, v := range psEmu.Env() {
		t.Setenv(k, v)
	}
	c, err := pubsub.NewClient(ctx, psEmu.Project())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	topic := "projects/" + psEmu.Project() + "/topics/events"
	sub := "projects/" + psEmu.Project() + "/subscriptions/events-sub"
	if _, err := c.TopicAdminClient.CreateTopic(ctx, &pubsubpb.Topic{Name: topic}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SubscriptionAdminClient.CreateSubscription(ctx, &pubsubpb.Subscription{Name: sub, Topic: topic}); err != nil {
		t.Fatal(err)
	}
	pub := c.Publisher(topic)
	defer pub.Stop()
	if _, err := pub.Publish(ctx, &pubsub.Message{Data: []byte("hello")}).Get(ctx); err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 1)
	rctx, stop := context.WithCancel(ctx)
	go c.Subscriber(sub).Receive(rctx, func(_ context.Context, m *pubsub.Message) { m.Ack(); got <- string(m.Data); stop() })
	select {
	case s := <-got:
		if s != "hello" {
			t.Fatalf("got %q", s)
		}
	case <-ctx.Done():
		t.Fatal("no message received")
	}
	if err := psEmu.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	it := c.TopicAdminClient.ListTopics(ctx, &pubsubpb.ListTopicsRequest{Project: "projects/" + psEmu.Project()})
	if tp, err := it.Next(); err != iterator.Done {
		t.Fatalf("topic %v survived Reset (err %v)", tp, err)
	}
}

// A port already taken makes the start fail quickly, naming the log file
// and quoting the emulator's last words, instead of hanging.
func TestStartFailureNamesLog(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	dir := t.TempDir()
	_, err = gcloud.StartPubSub(context.Background(), gcloud.Options{
		Port: l.Addr().(*net.TCPAddr).Port, LogDir: dir, StartTimeout: 30 * time.Second})
	if err == nil {
		t.Fatal("start on a taken port succeeded")
	}
	logs, _ := filepath.Glob(filepath.Join(dir, "pubsub-emulator-*.log"))
	if len(logs) != 1 || !strings.Contains(err.Error(), logs[0]) || !strings.Contains(err.Error(), "Address already in use") {
		t.Fatalf("error does not name the log %v: %v", logs, err)
	}
}
