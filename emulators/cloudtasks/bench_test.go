package cloudtasks_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	pb "cloud.google.com/go/cloudtasks/apiv2/cloudtaskspb"
	"golang.org/x/sync/errgroup"

	"github.com/orgexport/orgexport/emulators/cloudtasks"
)

// BenchmarkDispatch measures how many tasks a second the emulator
// dispatches to a loopback HTTP target that answers 200 at once, from a
// queue whose rate limit is far above what it can reach. The tasks are
// created in a paused queue before the clock starts; resuming it starts
// the clock, the last response stops it. "oidc" signs an RS256 token per
// dispatch, as the export's queues do.
func BenchmarkDispatch(b *testing.B) {
	for _, withToken := range []bool{true, false} {
		name := "no-token"
		if withToken {
			name = "oidc"
		}
		b.Run(name, func(b *testing.B) { benchDispatch(b, withToken) })
	}
}

func benchDispatch(b *testing.B, withToken bool) {
	e := start(b, cloudtasks.Options{RateCeiling: 1e6})
	var served atomic.Int64
	all := make(chan struct{})
	n := int64(b.N)
	tg := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if served.Add(1) == n {
			close(all)
		}
	}))
	defer tg.Close()
	q := e.queue(b, "bench", &pb.Queue{RateLimits: &pb.RateLimits{MaxDispatchesPerSecond: 1e6, MaxConcurrentDispatches: 1000}})
	ctx := context.Background()
	if _, err := e.client.PauseQueue(ctx, &pb.PauseQueueRequest{Name: q}); err != nil {
		b.Fatal(err)
	}
	createAll(b, e, q, tg.URL, withToken)
	b.ResetTimer()
	if _, err := e.client.ResumeQueue(ctx, &pb.ResumeQueueRequest{Name: q}); err != nil {
		b.Fatal(err)
	}
	select {
	case <-all:
	case <-time.After(5 * time.Minute):
		b.Fatalf("%d of %d tasks dispatched", served.Load(), n)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tasks/s")
}

func createAll(b *testing.B, e *env, q, url string, withToken bool) {
	var g errgroup.Group
	g.SetLimit(16)
	for i := range b.N {
		g.Go(func() error {
			hr := &pb.HttpRequest{Url: url, Body: []byte(`{"account":"user@example.com"}`)}
			if withToken {
				hr.AuthorizationHeader = &pb.HttpRequest_OidcToken{OidcToken: &pb.OidcToken{ServiceAccountEmail: invoker}}
			}
			_, err := e.client.CreateTask(context.Background(), &pb.CreateTaskRequest{Parent: q,
				Task: &pb.Task{Name: fmt.Sprintf("%s/tasks/t%d", q, i), MessageType: &pb.Task_HttpRequest{HttpRequest: hr}}})
			return err
		})
	}
	if err := g.Wait(); err != nil {
		b.Fatal(err)
	}
}
