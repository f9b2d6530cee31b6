package cloudtasks_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	pb "cloud.google.com/go/cloudtasks/apiv2/cloudtaskspb"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/orgexport/orgexport/emulators/cloudtasks"
)

// A failing task is retried after min_backoff, doubling max_doublings
// times, then growing linearly up to max_backoff, until max_attempts; the
// retries carry their counts and the previous response; then it is deleted.
func TestRetryBackoffAndExhaustion(t *testing.T) {
	e := startClocked(t, cloudtasks.Options{})
	q := e.queue(t, "retrying", &pb.Queue{RetryConfig: &pb.RetryConfig{
		MaxAttempts: 8, MinBackoff: durationpb.New(10 * time.Second),
		MaxBackoff: durationpb.New(300 * time.Second), MaxDoublings: 3,
	}})
	e.target.setStatus(http.StatusNotFound)
	name := q + "/tasks/flaky"
	e.create(t, q, e.httpTask(name, "x"))
	first := e.clock.Now()

	waits := []time.Duration{10, 20, 40, 80, 160, 240, 300} // seconds, from the API documentation's example
	for attempt := 0; attempt < 8; attempt++ {
		d := e.target.next(t)
		if got := d.Header.Get("X-CloudTasks-TaskRetryCount"); got != strconv.Itoa(attempt) {
			t.Errorf("attempt %d: retry count %s", attempt, got)
		}
		if got := d.Header.Get("X-CloudTasks-TaskExecutionCount"); got != strconv.Itoa(attempt) {
			t.Errorf("attempt %d: execution count %s", attempt, got)
		}
		if attempt > 0 && (d.Header.Get("X-CloudTasks-TaskPreviousResponse") != "404" || d.Header.Get("X-CloudTasks-TaskRetryReason") == "") {
			t.Errorf("attempt %d: previous response %q, retry reason %q", attempt,
				d.Header.Get("X-CloudTasks-TaskPreviousResponse"), d.Header.Get("X-CloudTasks-TaskRetryReason"))
		}
		if attempt == 0 && (d.Header.Get("X-CloudTasks-TaskPreviousResponse") != "" || d.Header.Get("X-CloudTasks-TaskRetryReason") != "") {
			t.Errorf("first attempt carries retry headers: %v", d.Header)
		}
		if attempt == 7 {
			break
		}
		wait := waits[attempt] * time.Second
		task := waitResponses(t, e, name, int32(attempt+1))
		if got := task.ScheduleTime.AsTime().Sub(e.clock.Now()); got != wait {
			t.Errorf("after attempt %d: next in %v, want %v", attempt+1, got, wait)
		}
		if task.DispatchCount != int32(attempt+1) || !task.FirstAttempt.DispatchTime.AsTime().Equal(first) ||
			task.LastAttempt.ResponseStatus.GetCode() != int32(codes.NotFound) || task.LastAttempt.ResponseTime == nil {
			t.Errorf("after attempt %d: task %v", attempt+1, task)
		}
		e.advance(wait - time.Second)
		e.target.none(t, 50*time.Millisecond)
		e.advance(time.Second)
	}
	e.gone(t, name)
	_, err := e.client.CreateTask(context.Background(), &pb.CreateTaskRequest{Parent: q, Task: e.httpTask(name, "x")})
	wantCode(t, err, codes.AlreadyExists, "re-create a task that failed for good")
}

// waitResponses polls until the task has received n responses.
func waitResponses(t *testing.T, e *env, name string, n int32) *pb.Task {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		task, err := e.client.GetTask(context.Background(), &pb.GetTaskRequest{Name: name})
		if err != nil {
			t.Fatalf("get task: %v", err)
		}
		if task.ResponseCount >= n {
			return task
		}
	}
	t.Fatalf("task %s did not get %d responses", name, n)
	return nil
}

// With max_attempts -1 a task keeps being retried; a task-level retry
// config overrides the queue's; a later success deletes the task.
func TestUnlimitedAttemptsAndTaskRetryConfig(t *testing.T) {
	e := startClocked(t, cloudtasks.Options{})
	q := e.queue(t, "q", &pb.Queue{RetryConfig: &pb.RetryConfig{MaxAttempts: 1}})
	e.target.setStatus(http.StatusServiceUnavailable)
	name := q + "/tasks/stubborn"
	task := e.httpTask(name, "")
	task.RetryConfig = &pb.RetryConfig{MaxAttempts: -1, MinBackoff: durationpb.New(time.Second), MaxBackoff: durationpb.New(time.Second)}
	e.create(t, q, task)
	for i := int32(1); i <= 12; i++ {
		if d := e.target.next(t); d.Header.Get("X-CloudTasks-TaskExecutionCount") != "0" {
			t.Errorf("attempt %d: execution count %s, want 0 after 5xx responses only", i, d.Header.Get("X-CloudTasks-TaskExecutionCount"))
		}
		got := waitResponses(t, e, name, i)
		if got.LastAttempt.ResponseStatus.GetCode() != int32(codes.Unavailable) {
			t.Errorf("status %v, want UNAVAILABLE for HTTP 503", got.LastAttempt.ResponseStatus)
		}
		if i == 12 {
			e.target.setStatus(http.StatusNoContent) // before the clock lets the next attempt go
		}
		e.advance(time.Second)
	}
	e.target.next(t)
	e.gone(t, name)
}

// No response within the dispatch deadline is a failed attempt: the
// request is cancelled, DEADLINE_EXCEEDED recorded, and the task retried.
// Takes the 15 s minimum deadline in real time.
func TestDispatchDeadlineEnforced(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the 15 s minimum dispatch deadline")
	}
	t.Parallel()
	e := start(t, cloudtasks.Options{})
	e.target.setHold(func(*http.Request) bool { return true })
	q := e.queue(t, "slow", &pb.Queue{RetryConfig: &pb.RetryConfig{MinBackoff: durationpb.New(time.Hour), MaxBackoff: durationpb.New(time.Hour)}})
	name := q + "/tasks/hangs"
	task := e.httpTask(name, "")
	task.DispatchDeadline = durationpb.New(15 * time.Second)
	e.create(t, q, task)
	d := e.target.next(t)
	got := waitResponseStatus(t, e, name, 20*time.Second)
	if el := got.LastAttempt.ResponseTime.AsTime().Sub(d.At); el < 15*time.Second-100*time.Millisecond || el > 17*time.Second {
		t.Errorf("attempt ended after %v, want about 15s", el)
	}
	if got.LastAttempt.ResponseStatus.GetCode() != int32(codes.DeadlineExceeded) || got.ResponseCount != 0 || got.DispatchCount != 1 {
		t.Errorf("task after deadline: %v", got)
	}
	if next := got.ScheduleTime.AsTime().Sub(got.LastAttempt.ResponseTime.AsTime()); next != time.Hour {
		t.Errorf("retry in %v, want 1h", next)
	}
}

func waitResponseStatus(t *testing.T, e *env, name string, within time.Duration) *pb.Task {
	t.Helper()
	for deadline := time.Now().Add(within); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		task, err := e.client.GetTask(context.Background(), &pb.GetTaskRequest{Name: name})
		if err != nil {
			t.Fatalf("get task: %v", err)
		}
		if task.LastAttempt.GetResponseStatus() != nil {
			return task
		}
	}
	t.Fatalf("task %s has no attempt outcome after %v", name, within)
	return nil
}

// A task is deleted only once both max_attempts and max_retry_duration
// are reached.
func TestMaxRetryDuration(t *testing.T) {
	e := startClocked(t, cloudtasks.Options{})
	q := e.queue(t, "q", &pb.Queue{RetryConfig: &pb.RetryConfig{MaxAttempts: 2, MaxRetryDuration: durationpb.New(time.Minute),
		MinBackoff: durationpb.New(10 * time.Second), MaxBackoff: durationpb.New(10 * time.Second)}})
	e.target.setStatus(http.StatusBadGateway)
	name := q + "/tasks/aging"
	e.create(t, q, e.httpTask(name, ""))
	for i := int32(1); i <= 7; i++ { // at 0s, 10s, ... 60s
		e.target.next(t)
		if i == 7 {
			break
		}
		waitResponses(t, e, name, i)
		e.advance(10 * time.Second)
	}
	e.gone(t, name)
}
