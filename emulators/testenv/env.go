package testenv

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/firestore"
	"cloud.google.com/go/pubsub/v2"
	"cloud.google.com/go/storage"
)

// Env is one test's view of the services, reset for that test.
type Env struct {
	// Project is the Google Cloud project id of this test binary run.
	Project string
	// Hosts of the services that were requested (empty otherwise).
	FirestoreHost, PubSubHost, StorageHost string
	// Bucket is a fresh, empty bucket made for this test (with Storage).
	Bucket string

	t   testing.TB
	seq int
	fs  *firestore.Client
	ps  *pubsub.Client
	gcs *storage.Client
}

// Get resets the shared state and returns the services for t. Tests that
// call Get must not run in parallel with each other.
func Get(t testing.TB) *Env {
	t.Helper()
	st := current
	if st == nil {
		t.Fatal(errNoRun)
	}
	seq := st.claim(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	e := &Env{Project: st.project, StorageHost: st.storage, t: t, seq: seq}
	if err := st.reset(ctx, e); err != nil {
		t.Fatalf("testenv: reset: %v", err)
	}
	return e
}

// claim marks the stack as used by t until t ends, and fails t if another
// test still holds it.
func (st *stack) claim(t testing.TB) int {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.active != "" {
		t.Fatalf("testenv: %s and %s both use the shared emulators at once; tests calling testenv.Get cannot run in parallel", st.active, t.Name())
	}
	st.active = t.Name()
	st.seq++
	t.Cleanup(func() {
		st.mu.Lock()
		st.active = ""
		st.mu.Unlock()
	})
	return st.seq
}

func (st *stack) reset(ctx context.Context, e *Env) error {
	if st.firestore != nil {
		e.FirestoreHost = st.firestore.HostPort()
		if err := st.firestore.ResetProject(ctx, st.project); err != nil {
			return err
		}
	}
	if st.pubsub != nil {
		e.PubSubHost = st.pubsub.HostPort()
		if err := st.pubsub.ResetProject(ctx, st.project); err != nil {
			return err
		}
	}
	for _, x := range st.extra {
		if err := x.Reset(ctx); err != nil {
			return fmt.Errorf("%s: %w", x.Name(), err)
		}
	}
	if st.storage != "" {
		e.Bucket = e.Name("bucket")
		if err := e.Storage().Bucket(e.Bucket).Create(ctx, st.project, nil); err != nil {
			return fmt.Errorf("create bucket %s: %w", e.Bucket, err)
		}
	}
	return nil
}

// Name returns a name unique to this test in this run, usable as a topic,
// subscription, queue or bucket id: lower case, prefix first.
func (e *Env) Name(prefix string) string {
	return fmt.Sprintf("%s-%s-%d", strings.ToLower(prefix), e.Project, e.seq)
}

// Firestore returns a Firestore client for the project, closed when the
// test ends.
func (e *Env) Firestore() *firestore.Client {
	if e.fs == nil {
		c, err := firestore.NewClient(context.Background(), e.Project)
		if err != nil {
			e.t.Fatalf("testenv: firestore client: %v", err)
		}
		e.t.Cleanup(func() { c.Close() })
		e.fs = c
	}
	return e.fs
}

// PubSub returns a Pub/Sub client for the project, closed when the test
// ends.
func (e *Env) PubSub() *pubsub.Client {
	if e.ps == nil {
		c, err := pubsub.NewClient(context.Background(), e.Project)
		if err != nil {
			e.t.Fatalf("testenv: pubsub client: %v", err)
		}
		e.t.Cleanup(func() { c.Close() })
		e.ps = c
	}
	return e.ps
}

// Storage returns a Cloud Storage client, closed when the test ends.
func (e *Env) Storage() *storage.Client {
	if e.gcs == nil {
		c, err := storage.NewClient(context.Background())
		if err != nil {
			e.t.Fatalf("testenv: storage client: %v", err)
		}
		e.t.Cleanup(func() { c.Close() })
		e.gcs = c
	}
	return e.gcs
}
