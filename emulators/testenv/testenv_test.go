package testenv_test

import (
	"context"
	"errors"
	"io"
	"os"
	"testing"
	"time"

	"cloud.google.com/go/pubsub/v2/apiv1/pubsubpb"
	"google.golang.org/api/iterator"

	"github.com/orgexport/orgexport/emulators/testenv"
)

// counter is an extra service that counts what testenv asks of it.
type counter struct {
	project               string
	starts, resets, stops int
}

func (c *counter) Name() string { return "counter" }
func (c *counter) Start(_ context.Context, project string) (map[string]string, error) {
	c.project = project
	c.starts++
	return map[string]string{"COUNTER_HOST": "127.0.0.1:1"}, nil
}
func (c *counter) Reset(context.Context) error { c.resets++; return nil }
func (c *counter) Stop() error                 { c.stops++; return nil }

var extra = &counter{}

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		os.Exit(testenv.Run(m, testenv.Firestore|testenv.PubSub))
	}
	os.Exit(testenv.Run(m, testenv.Firestore|testenv.PubSub|testenv.Storage, extra))
}

// The standard variables point the official clients at the services, and
// the extra service was started once for the run's project.
func TestVariablesAndExtraService(t *testing.T) {
	env := testenv.Get(t)
	for k, want := range map[string]string{
		testenv.EnvFirestore: env.FirestoreHost, testenv.EnvPubSub: env.PubSubHost,
		testenv.EnvStorage: env.StorageHost, testenv.EnvProject: env.Project, "COUNTER_HOST": "127.0.0.1:1",
	} {
		if got := os.Getenv(k); got != want || got == "" {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if extra.starts != 1 || extra.project != env.Project || extra.resets == 0 {
		t.Errorf("extra service: %+v, project %s", extra, env.Project)
	}
}

// What one test leaves in Firestore, Pub/Sub and Storage, the next does
// not see.
func TestStateIsResetBetweenTests(t *testing.T) {
	var firstBucket string
	t.Run("first", func(t *testing.T) {
		env := testenv.Get(t)
		ctx := context.Background()
		if _, err := env.Firestore().Collection("customers").Doc("c1").Set(ctx, map[string]any{"n": 1}); err != nil {
			t.Fatal(err)
		}
		topic := "projects/" + env.Project + "/topics/" + env.Name("events")
		if _, err := env.PubSub().TopicAdminClient.CreateTopic(ctx, &pubsubpb.Topic{Name: topic}); err != nil {
			t.Fatal(err)
		}
		w := env.Storage().Bucket(env.Bucket).Object("left-over").NewWriter(ctx)
		if _, err := io.WriteString(w, "x"); err != nil || w.Close() != nil {
			t.Fatal("write object")
		}
		firstBucket = env.Bucket
	})
	t.Run("second", func(t *testing.T) {
		env := testenv.Get(t)
		ctx := context.Background()
		docs, err := env.Firestore().Collection("customers").Documents(ctx).GetAll()
		if err != nil || len(docs) != 0 {
			t.Errorf("firestore: %d documents left (err %v)", len(docs), err)
		}
		it := env.PubSub().TopicAdminClient.ListTopics(ctx, &pubsubpb.ListTopicsRequest{Project: "projects/" + env.Project})
		if tp, err := it.Next(); !errors.Is(err, iterator.Done) {
			t.Errorf("pubsub: topic %v left (err %v)", tp, err)
		}
		if env.Bucket == firstBucket {
			t.Errorf("bucket %s reused", env.Bucket)
		}
		objs := env.Storage().Bucket(env.Bucket).Objects(ctx, nil)
		if o, err := objs.Next(); !errors.Is(err, iterator.Done) {
			t.Errorf("fresh bucket holds %v (err %v)", o, err)
		}
	})
}

// Two tests holding the shared emulators at once is refused.
func TestParallelGetIsRefused(t *testing.T) {
	testenv.Get(t)
	ft := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		testenv.Get(ft)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("second Get blocked")
	}
	if ft.msg == "" {
		t.Fatal("a second concurrent Get was allowed")
	}
}

// fatalRecorder is a testing.TB whose Fatalf records and ends the goroutine.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (f *fatalRecorder) Helper()      {}
func (f *fatalRecorder) Name() string { return "concurrent" }
func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.msg = format
	runtimeGoexit()
}
