package cloudtasks_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	ctapi "cloud.google.com/go/cloudtasks/apiv2"
	pb "cloud.google.com/go/cloudtasks/apiv2/cloudtaskspb"
	"google.golang.org/api/iterator"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/orgexport/orgexport/emulators/cloudtasks"
)

// A paused queue accepts tasks and holds them; resuming dispatches them.
func TestPauseHoldsTasks(t *testing.T) {
	e := start(t, cloudtasks.Options{})
	q := e.queue(t, "q", nil)
	ctx := context.Background()
	paused, err := e.client.PauseQueue(ctx, &pb.PauseQueueRequest{Name: q})
	if err != nil || paused.State != pb.Queue_PAUSED {
		t.Fatalf("pause: %v, state %v", err, paused.GetState())
	}
	e.create(t, q, e.httpTask(q+"/tasks/held", "x"))
	e.target.none(t, 300*time.Millisecond)
	if names := listNames(t, e.client, q, 0); len(names) != 1 {
		t.Errorf("paused queue lists %v", names)
	}
	if _, err := e.client.ResumeQueue(ctx, &pb.ResumeQueueRequest{Name: q}); err != nil {
		t.Fatal(err)
	}
	if d := e.target.next(t); d.Header.Get("X-CloudTasks-TaskName") != "held" {
		t.Errorf("dispatched %s", d.Header.Get("X-CloudTasks-TaskName"))
	}
}

// PurgeQueue deletes every task; none runs afterwards and their names
// stay taken.
func TestPurgeQueue(t *testing.T) {
	e := startClocked(t, cloudtasks.Options{})
	q := e.queue(t, "q", nil)
	ctx := context.Background()
	if _, err := e.client.PauseQueue(ctx, &pb.PauseQueueRequest{Name: q}); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		e.create(t, q, e.httpTask(fmt.Sprintf("%s/tasks/t%d", q, i), ""))
	}
	purged, err := e.client.PurgeQueue(ctx, &pb.PurgeQueueRequest{Name: q})
	if err != nil || !purged.PurgeTime.AsTime().Equal(e.clock.Now()) {
		t.Fatalf("purge: %v, purge time %v", err, purged.GetPurgeTime())
	}
	if names := listNames(t, e.client, q, 0); len(names) != 0 {
		t.Errorf("after purge: %v", names)
	}
	if _, err := e.client.ResumeQueue(ctx, &pb.ResumeQueueRequest{Name: q}); err != nil {
		t.Fatal(err)
	}
	e.target.none(t, 200*time.Millisecond)
	_, err = e.client.CreateTask(ctx, &pb.CreateTaskRequest{Parent: q, Task: e.httpTask(q+"/tasks/t0", "")})
	wantCode(t, err, codes.AlreadyExists, "re-create a purged task")
}

// RunTask dispatches at once, even a task scheduled later in a paused
// queue, and returns it as dispatched.
func TestRunTaskForcesDispatch(t *testing.T) {
	e := startClocked(t, cloudtasks.Options{})
	q := e.queue(t, "q", nil)
	ctx := context.Background()
	if _, err := e.client.PauseQueue(ctx, &pb.PauseQueueRequest{Name: q}); err != nil {
		t.Fatal(err)
	}
	name := q + "/tasks/debug-me"
	task := e.httpTask(name, "")
	task.ScheduleTime = timestamp(e.clock.Now().Add(24 * time.Hour))
	e.create(t, q, task)
	ran, err := e.client.RunTask(ctx, &pb.RunTaskRequest{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	if ran.DispatchCount != 1 || !ran.LastAttempt.DispatchTime.AsTime().Equal(e.clock.Now()) || ran.FirstAttempt == nil {
		t.Errorf("run task returned %v", ran)
	}
	if d := e.target.next(t); d.Header.Get("X-CloudTasks-TaskName") != "debug-me" {
		t.Errorf("dispatched %s", d.Header.Get("X-CloudTasks-TaskName"))
	}
	e.gone(t, name)
	_, err = e.client.RunTask(ctx, &pb.RunTaskRequest{Name: name})
	wantCode(t, err, codes.NotFound, "run a task that succeeded")
}

// max_dispatches_per_second spaces dispatches out once the burst is used.
func TestRateLimit(t *testing.T) {
	e := start(t, cloudtasks.Options{})
	q := e.queue(t, "slow", &pb.Queue{RateLimits: &pb.RateLimits{MaxDispatchesPerSecond: 10}})
	got, _ := e.client.GetQueue(context.Background(), &pb.GetQueueRequest{Name: q})
	if got.RateLimits.MaxBurstSize != 2 {
		t.Errorf("burst %d at 10/s, want 2", got.RateLimits.MaxBurstSize)
	}
	const n = 12
	for i := range n {
		e.create(t, q, e.httpTask(fmt.Sprintf("%s/tasks/t%d", q, i), ""))
	}
	first := e.target.next(t).At
	var last time.Time
	for range n - 1 {
		last = e.target.next(t).At
	}
	// 2 at once from the burst, then one per 100 ms: 10 more take 1 s.
	if el := last.Sub(first); el < 900*time.Millisecond || el > 3*time.Second {
		t.Errorf("%d dispatches at 10/s took %v, want about 1s", n, el)
	}
}

// No more than max_concurrent_dispatches attempts are in flight at once.
func TestMaxConcurrentDispatches(t *testing.T) {
	e := start(t, cloudtasks.Options{})
	var mu sync.Mutex
	inFlight, peak := 0, 0
	e.target.setHold(func(*http.Request) bool {
		mu.Lock()
		inFlight++
		peak = max(peak, inFlight)
		mu.Unlock()
		time.Sleep(50 * time.Millisecond)
		mu.Lock()
		inFlight--
		mu.Unlock()
		return false
	})
	q := e.queue(t, "narrow", &pb.Queue{RateLimits: &pb.RateLimits{MaxConcurrentDispatches: 2}})
	for i := range 8 {
		e.create(t, q, e.httpTask(fmt.Sprintf("%s/tasks/t%d", q, i), ""))
	}
	for i := range 8 {
		e.gone(t, fmt.Sprintf("%s/tasks/t%d", q, i))
	}
	mu.Lock()
	defer mu.Unlock()
	if peak != 2 {
		t.Errorf("peak of %d attempts in flight, want 2", peak)
	}
}

// BASIC (the default) leaves the body out; FULL includes it.
func TestResponseViews(t *testing.T) {
	e := startClocked(t, cloudtasks.Options{})
	q := e.queue(t, "q", nil)
	ctx := context.Background()
	task := e.httpTask(q+"/tasks/v", "payload")
	task.ScheduleTime = timestamp(e.clock.Now().Add(time.Hour))
	full, err := e.client.CreateTask(ctx, &pb.CreateTaskRequest{Parent: q, Task: task, ResponseView: pb.Task_FULL})
	if err != nil || string(full.GetHttpRequest().GetBody()) != "payload" || full.View != pb.Task_FULL {
		t.Fatalf("create FULL: %v, %v", err, full)
	}
	basic, err := e.client.GetTask(ctx, &pb.GetTaskRequest{Name: task.Name})
	if err != nil || basic.GetHttpRequest().GetBody() != nil || basic.View != pb.Task_BASIC || basic.GetHttpRequest().GetUrl() == "" {
		t.Errorf("get BASIC: %v, %v", err, basic)
	}
	it := e.client.ListTasks(ctx, &pb.ListTasksRequest{Parent: q, ResponseView: pb.Task_FULL})
	listed, err := it.Next()
	if err != nil || string(listed.GetHttpRequest().GetBody()) != "payload" {
		t.Errorf("list FULL: %v, %v", err, listed)
	}
}

// ListTasks pages through every task.
func TestListTasksPages(t *testing.T) {
	e := startClocked(t, cloudtasks.Options{})
	q := e.queue(t, "q", nil)
	for i := range 7 {
		task := e.httpTask(fmt.Sprintf("%s/tasks/t%d", q, i), "")
		task.ScheduleTime = timestamp(e.clock.Now().Add(time.Hour))
		e.create(t, q, task)
	}
	names := listNames(t, e.client, q, 3)
	if len(names) != 7 {
		t.Errorf("listed %d tasks in pages of 3, want 7: %v", len(names), names)
	}
	seen := map[string]bool{}
	for _, n := range names {
		seen[n] = true
	}
	if len(seen) != 7 {
		t.Errorf("duplicates in %v", names)
	}
}

func listNames(t *testing.T, c *ctapi.Client, q string, pageSize int32) []string {
	t.Helper()
	it := c.ListTasks(context.Background(), &pb.ListTasksRequest{Parent: q, PageSize: pageSize})
	var names []string
	for {
		task, err := it.Next()
		if err == iterator.Done {
			return names
		}
		if err != nil {
			t.Fatalf("list tasks: %v", err)
		}
		names = append(names, task.Name)
	}
}

// UpdateQueue creates a missing queue and changes only the masked fields.
func TestUpdateQueue(t *testing.T) {
	e := start(t, cloudtasks.Options{})
	ctx := context.Background()
	name := location + "/queues/export-accounts"
	made, err := e.client.UpdateQueue(ctx, &pb.UpdateQueueRequest{Queue: &pb.Queue{Name: name,
		RateLimits: &pb.RateLimits{MaxDispatchesPerSecond: 5}, RetryConfig: &pb.RetryConfig{MaxAttempts: 7}}})
	if err != nil || made.RateLimits.MaxDispatchesPerSecond != 5 || made.RetryConfig.MaxAttempts != 7 {
		t.Fatalf("update-create: %v, %v", err, made)
	}
	changed, err := e.client.UpdateQueue(ctx, &pb.UpdateQueueRequest{
		Queue:      &pb.Queue{Name: name, RateLimits: &pb.RateLimits{MaxConcurrentDispatches: 3, MaxDispatchesPerSecond: 400}},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"rate_limits.max_concurrent_dispatches"}},
	})
	if err != nil || changed.RateLimits.MaxConcurrentDispatches != 3 || changed.RateLimits.MaxDispatchesPerSecond != 5 || changed.RetryConfig.MaxAttempts != 7 {
		t.Errorf("masked update: %v, %v", err, changed)
	}
	_, err = e.client.UpdateQueue(ctx, &pb.UpdateQueueRequest{
		Queue:      &pb.Queue{Name: name, RateLimits: &pb.RateLimits{MaxDispatchesPerSecond: 1000}},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"rate_limits"}},
	})
	wantCode(t, err, codes.InvalidArgument, "rate over 500")
	_, err = e.client.UpdateQueue(ctx, &pb.UpdateQueueRequest{
		Queue: &pb.Queue{Name: name}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"no_such_field"}},
	})
	wantCode(t, err, codes.InvalidArgument, "unknown mask path")
	got, _ := e.client.GetQueue(ctx, &pb.GetQueueRequest{Name: name})
	if got.RateLimits.MaxDispatchesPerSecond != 5 {
		t.Errorf("a refused update changed the queue: %v", got.RateLimits)
	}
}

// ListQueues lists a location's queues by name, filtered by state;
// DeleteQueue removes one with its tasks.
func TestListAndDeleteQueues(t *testing.T) {
	e := start(t, cloudtasks.Options{})
	ctx := context.Background()
	for _, id := range []string{"c", "a", "b"} {
		e.queue(t, id, nil)
	}
	if _, err := e.client.PauseQueue(ctx, &pb.PauseQueueRequest{Name: location + "/queues/b"}); err != nil {
		t.Fatal(err)
	}
	list := func(filter string) []string {
		it := e.client.ListQueues(ctx, &pb.ListQueuesRequest{Parent: location, Filter: filter, PageSize: 2})
		var ids []string
		for {
			q, err := it.Next()
			if err == iterator.Done {
				return ids
			}
			if err != nil {
				t.Fatalf("list %q: %v", filter, err)
			}
			ids = append(ids, q.Name[len(location+"/queues/"):])
		}
	}
	if got := fmt.Sprint(list("")); got != "[a b c]" {
		t.Errorf("queues %s", got)
	}
	if got := fmt.Sprint(list("state: PAUSED")); got != "[b]" {
		t.Errorf("paused queues %s", got)
	}
	if err := e.client.DeleteQueue(ctx, &pb.DeleteQueueRequest{Name: location + "/queues/a"}); err != nil {
		t.Fatal(err)
	}
	_, err := e.client.GetQueue(ctx, &pb.GetQueueRequest{Name: location + "/queues/a"})
	wantCode(t, err, codes.NotFound, "get a deleted queue")
	_, err = e.client.CreateTask(ctx, &pb.CreateTaskRequest{Parent: location + "/queues/a", Task: e.httpTask("", "")})
	wantCode(t, err, codes.NotFound, "create a task in a deleted queue")
}
