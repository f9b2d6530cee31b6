package cloudtasks_test

import (
	"context"
	"strings"
	"testing"
	"time"

	pb "cloud.google.com/go/cloudtasks/apiv2/cloudtaskspb"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/orgexport/orgexport/emulators/cloudtasks"
)

// Invalid tasks are refused with the gRPC codes of the service.
func TestCreateTaskRefusals(t *testing.T) {
	e := startClocked(t, cloudtasks.Options{})
	q := e.queue(t, "q", nil)
	other := e.queue(t, "other", nil)
	now := e.clock.Now()
	cases := []struct {
		what   string
		parent string
		edit   func(*pb.Task)
		want   codes.Code
	}{
		{"task id with a dot", q, func(t *pb.Task) { t.Name = q + "/tasks/a.b" }, codes.InvalidArgument},
		{"task id of 501 characters", q, func(t *pb.Task) { t.Name = q + "/tasks/" + strings.Repeat("a", 501) }, codes.InvalidArgument},
		{"task id of 500 characters", q, func(t *pb.Task) { t.Name = q + "/tasks/" + strings.Repeat("a", 500) }, codes.OK},
		{"task in another queue", q, func(t *pb.Task) { t.Name = other + "/tasks/x" }, codes.InvalidArgument},
		{"queue id with underscore", location + "/queues/a_b", func(*pb.Task) {}, codes.InvalidArgument},
		{"missing queue", location + "/queues/missing", func(*pb.Task) {}, codes.NotFound},
		{"schedule 30 days and 1 minute ahead", q, func(t *pb.Task) { t.ScheduleTime = timestamp(now.Add(30*24*time.Hour + time.Minute)) }, codes.InvalidArgument},
		{"schedule 29 days ahead", q, func(t *pb.Task) { t.ScheduleTime = timestamp(now.Add(29 * 24 * time.Hour)) }, codes.OK},
		{"deadline 14s", q, func(t *pb.Task) { t.DispatchDeadline = durationpb.New(14 * time.Second) }, codes.InvalidArgument},
		{"deadline 31m", q, func(t *pb.Task) { t.DispatchDeadline = durationpb.New(31 * time.Minute) }, codes.InvalidArgument},
		{"deadline 30m", q, func(t *pb.Task) { t.DispatchDeadline = durationpb.New(30 * time.Minute) }, codes.OK},
		{"task over 100 KiB", q, func(t *pb.Task) { t.GetHttpRequest().Body = make([]byte, 100*1024) }, codes.InvalidArgument},
		{"task just under 100 KiB", q, func(t *pb.Task) { t.GetHttpRequest().Body = make([]byte, 100*1024-300) }, codes.OK},
		{"body with GET", q, func(t *pb.Task) { t.GetHttpRequest().HttpMethod = pb.HttpMethod_GET }, codes.InvalidArgument},
		{"relative URL", q, func(t *pb.Task) { t.GetHttpRequest().Url = "/work" }, codes.InvalidArgument},
		{"ftp URL", q, func(t *pb.Task) { t.GetHttpRequest().Url = "ftp://example.com/x" }, codes.InvalidArgument},
		{"no target", q, func(t *pb.Task) { t.MessageType = nil }, codes.InvalidArgument},
		{"oidc token without account", q, func(t *pb.Task) { t.GetHttpRequest().GetOidcToken().ServiceAccountEmail = "" }, codes.InvalidArgument},
		{"negative max_attempts", q, func(t *pb.Task) { t.RetryConfig = &pb.RetryConfig{MaxAttempts: -2} }, codes.InvalidArgument},
	}
	for _, c := range cases {
		task := e.httpTask("", "body")
		task.ScheduleTime = timestamp(now.Add(time.Hour)) // keep accepted tasks from running
		c.edit(task)
		_, err := e.client.CreateTask(context.Background(), &pb.CreateTaskRequest{Parent: c.parent, Task: task})
		wantCode(t, err, c.want, c.what)
	}
}

// Queues: bad names and settings are InvalidArgument, a second queue of a
// name AlreadyExists, a missing one NotFound.
func TestQueueRefusals(t *testing.T) {
	e := start(t, cloudtasks.Options{})
	ctx := context.Background()
	create := func(id string, q *pb.Queue) error {
		q.Name = location + "/queues/" + id
		_, err := e.client.CreateQueue(ctx, &pb.CreateQueueRequest{Parent: location, Queue: q})
		return err
	}
	wantCode(t, create("ok-queue", &pb.Queue{}), codes.OK, "valid queue")
	wantCode(t, create("ok-queue", &pb.Queue{}), codes.AlreadyExists, "same queue again")
	wantCode(t, create("bad_name", &pb.Queue{}), codes.InvalidArgument, "underscore in queue id")
	wantCode(t, create(strings.Repeat("q", 101), &pb.Queue{}), codes.InvalidArgument, "queue id of 101 characters")
	wantCode(t, create("fast", &pb.Queue{RateLimits: &pb.RateLimits{MaxDispatchesPerSecond: 501}}), codes.InvalidArgument, "rate over 500")
	wantCode(t, create("wide", &pb.Queue{RateLimits: &pb.RateLimits{MaxConcurrentDispatches: 5001}}), codes.InvalidArgument, "concurrency over 5000")
	wantCode(t, create("backwards", &pb.Queue{RetryConfig: &pb.RetryConfig{
		MinBackoff: durationpb.New(time.Minute), MaxBackoff: durationpb.New(time.Second)}}), codes.InvalidArgument, "min backoff over max")
	_, err := e.client.CreateQueue(ctx, &pb.CreateQueueRequest{Parent: "projects/demo/locations/europe-west1",
		Queue: &pb.Queue{Name: location + "/queues/elsewhere"}})
	wantCode(t, err, codes.InvalidArgument, "queue outside its parent")
	_, err = e.client.GetQueue(ctx, &pb.GetQueueRequest{Name: location + "/queues/missing"})
	wantCode(t, err, codes.NotFound, "get missing queue")
	_, err = e.client.PauseQueue(ctx, &pb.PauseQueueRequest{Name: location + "/queues/missing"})
	wantCode(t, err, codes.NotFound, "pause missing queue")
	_, err = e.client.GetTask(ctx, &pb.GetTaskRequest{Name: location + "/queues/ok-queue/tasks/missing"})
	wantCode(t, err, codes.NotFound, "get missing task")
	err = e.client.DeleteTask(ctx, &pb.DeleteTaskRequest{Name: location + "/queues/ok-queue/tasks/missing"})
	wantCode(t, err, codes.NotFound, "delete missing task")
	_, err = e.client.RunTask(ctx, &pb.RunTaskRequest{Name: location + "/queues/ok-queue/tasks/bad.id"})
	wantCode(t, err, codes.InvalidArgument, "run task with bad name")
}

// A default queue shows the service's defaults.
func TestQueueDefaults(t *testing.T) {
	e := start(t, cloudtasks.Options{})
	name := e.queue(t, "defaults", nil)
	q, err := e.client.GetQueue(context.Background(), &pb.GetQueueRequest{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	r, c := q.RateLimits, q.RetryConfig
	if q.State != pb.Queue_RUNNING || r.MaxDispatchesPerSecond != 500 || r.MaxBurstSize != 100 || r.MaxConcurrentDispatches != 1000 {
		t.Errorf("state %v, rate limits %v", q.State, r)
	}
	if c.MaxAttempts != 100 || c.MinBackoff.AsDuration() != 100*time.Millisecond || c.MaxBackoff.AsDuration() != time.Hour || c.MaxDoublings != 16 {
		t.Errorf("retry config %v", c)
	}
}

// A deleted task's name stays taken for the tombstone window, then is free.
func TestTombstoneWindow(t *testing.T) {
	for _, window := range []time.Duration{0, 10 * time.Minute} {
		e := startClocked(t, cloudtasks.Options{TombstoneWindow: window})
		q := e.queue(t, "q", nil)
		name := q + "/tasks/acct-1"
		task := func() *pb.Task {
			tk := e.httpTask(name, "")
			tk.ScheduleTime = timestamp(e.clock.Now().Add(time.Hour))
			return tk
		}
		e.create(t, q, task())
		_, err := e.client.CreateTask(context.Background(), &pb.CreateTaskRequest{Parent: q, Task: task()})
		wantCode(t, err, codes.AlreadyExists, "duplicate of a waiting task")
		if err := e.client.DeleteTask(context.Background(), &pb.DeleteTaskRequest{Name: name}); err != nil {
			t.Fatal(err)
		}
		if window == 0 {
			window = time.Hour
		}
		e.clock.Advance(window - time.Second)
		_, err = e.client.CreateTask(context.Background(), &pb.CreateTaskRequest{Parent: q, Task: task()})
		wantCode(t, err, codes.AlreadyExists, "duplicate within the window")
		e.clock.Advance(time.Second)
		_, err = e.client.CreateTask(context.Background(), &pb.CreateTaskRequest{Parent: q, Task: task()})
		wantCode(t, err, codes.OK, "same name after the window")
	}
}
