package cloudtasks

import (
	"context"
	"sort"
	"time"

	pb "cloud.google.com/go/cloudtasks/apiv2/cloudtaskspb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// CreateTask validates and adds a task. A named task whose name is in use,
// or was within the tombstone window, is AlreadyExists.
func (e *emulator) CreateTask(_ context.Context, req *pb.CreateTaskRequest) (*pb.Task, error) {
	qn, err := parseQueueName(req.GetParent())
	if err != nil {
		return nil, err
	}
	now := e.now()
	t, err := e.newTask(qn, req.GetTask(), now)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	q, ok := e.queues[qn.String()]
	if !ok {
		return nil, status.Errorf(codes.NotFound, "queue %s does not exist", qn)
	}
	if t.pb.Name == "" {
		t.pb.Name = qn.String() + "/tasks/" + generatedTaskID()
	}
	if _, ok := q.tasks[t.pb.Name]; ok {
		return nil, status.Errorf(codes.AlreadyExists, "task %s already exists", t.pb.Name)
	}
	if until, ok := q.tombstones[t.pb.Name]; ok && now.Before(until) {
		return nil, status.Errorf(codes.AlreadyExists, "task %s was executed or deleted recently; its name is unavailable until %s",
			t.pb.Name, until.UTC().Format(time.RFC3339))
	}
	q.tasks[t.pb.Name] = t
	e.schedule(q, t, t.pb.ScheduleTime.AsTime())
	return view(t.pb, req.GetResponseView()), nil
}

// GetTask returns a task; NotFound once it succeeded, failed for good or
// was deleted.
func (e *emulator) GetTask(_ context.Context, req *pb.GetTaskRequest) (*pb.Task, error) {
	var out *pb.Task
	err := e.withTask(req.GetName(), func(_ *queue, t *task) { out = view(t.pb, req.GetResponseView()) })
	return out, err
}

// DeleteTask deletes a task; its name stays unavailable for the tombstone
// window.
func (e *emulator) DeleteTask(_ context.Context, req *pb.DeleteTaskRequest) (*emptypb.Empty, error) {
	err := e.withTask(req.GetName(), func(q *queue, t *task) { e.remove(q, t, e.now()) })
	if err != nil {
		return nil, err
	}
	return &emptypb.Empty{}, nil
}

// RunTask dispatches a task now, even when the queue is paused or at its
// rate limits, and returns it as it is once dispatched.
func (e *emulator) RunTask(_ context.Context, req *pb.RunTaskRequest) (*pb.Task, error) {
	var out *pb.Task
	err := e.withTask(req.GetName(), func(q *queue, t *task) {
		e.startAttempt(q, t, e.now())
		out = view(t.pb, req.GetResponseView())
	})
	return out, err
}

func (e *emulator) withTask(name string, fn func(*queue, *task)) error {
	qn, _, err := parseTaskName(name)
	if err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	q, ok := e.queues[qn.String()]
	if !ok {
		return status.Errorf(codes.NotFound, "queue %s does not exist", qn)
	}
	t, ok := q.tasks[name]
	if !ok {
		return status.Errorf(codes.NotFound, "task %s does not exist", name)
	}
	fn(q, t)
	return nil
}

// ListTasks lists a queue's tasks in name order, at most 1000 a page.
func (e *emulator) ListTasks(_ context.Context, req *pb.ListTasksRequest) (*pb.ListTasksResponse, error) {
	if _, err := parseQueueName(req.GetParent()); err != nil {
		return nil, err
	}
	e.mu.Lock()
	q, ok := e.queues[req.GetParent()]
	if !ok {
		e.mu.Unlock()
		return nil, status.Errorf(codes.NotFound, "queue %s does not exist", req.GetParent())
	}
	names := make([]string, 0, len(q.tasks))
	for name := range q.tasks {
		names = append(names, name)
	}
	sort.Strings(names)
	page, next, err := paginate(len(names), func(i int) string { return names[i] }, req.GetPageSize(), req.GetPageToken(), 1000)
	var out []*pb.Task
	if err == nil {
		for _, name := range names[page[0]:page[1]] {
			out = append(out, view(q.tasks[name].pb, req.GetResponseView()))
		}
	}
	e.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return &pb.ListTasksResponse{Tasks: out, NextPageToken: next}, nil
}

// Limits of the service on tasks.
const (
	maxScheduleAhead    = 30 * 24 * time.Hour
	minDispatchDeadline = 15 * time.Second
	maxDispatchDeadline = 30 * time.Minute
	defaultDeadline     = 10 * time.Minute
	defaultMaxTaskSize  = 100 * 1024
)

// newTask checks a task to create in queue qn and returns it with its
// defaults filled in. Output-only fields of in are ignored.
func (e *emulator) newTask(qn queueName, in *pb.Task, now time.Time) (*task, error) {
	if in == nil {
		return nil, status.Error(codes.InvalidArgument, "task is required")
	}
	if in.Name != "" {
		tq, _, err := parseTaskName(in.Name)
		if err != nil {
			return nil, err
		}
		if tq != qn {
			return nil, status.Errorf(codes.InvalidArgument, "task %s is not in queue %s", in.Name, qn)
		}
	}
	if size := proto.Size(in); size > e.maxTaskSize {
		return nil, status.Errorf(codes.InvalidArgument, "task size %d bytes exceeds the maximum of %d bytes", size, e.maxTaskSize)
	}
	hr, err := checkHTTPRequest(in)
	if err != nil {
		return nil, err
	}
	at, err := checkScheduleTime(in.ScheduleTime, now)
	if err != nil {
		return nil, err
	}
	deadline, err := checkDeadline(in)
	if err != nil {
		return nil, err
	}
	var retry *pb.RetryConfig
	if in.RetryConfig != nil {
		if retry, err = normalizeRetry(in.RetryConfig); err != nil {
			return nil, err
		}
	}
	return &task{pb: &pb.Task{
		Name:             in.Name,
		MessageType:      &pb.Task_HttpRequest{HttpRequest: hr},
		ScheduleTime:     timestamp(at),
		CreateTime:       timestamp(now),
		DispatchDeadline: durationpbNew(deadline),
		RetryConfig:      retry,
	}}, nil
}

func checkScheduleTime(ts *timestamppb.Timestamp, now time.Time) (time.Time, error) {
	if ts == nil {
		return now, nil
	}
	if err := ts.CheckValid(); err != nil {
		return time.Time{}, status.Errorf(codes.InvalidArgument, "invalid schedule_time: %v", err)
	}
	at := ts.AsTime().Truncate(time.Microsecond)
	if at.Sub(now) > maxScheduleAhead {
		return time.Time{}, status.Errorf(codes.InvalidArgument,
			"schedule_time %s is more than 30 days in the future", at.UTC().Format(time.RFC3339))
	}
	if at.Before(now) {
		at = now // a time in the past means now
	}
	return at, nil
}

func checkDeadline(in *pb.Task) (time.Duration, error) {
	if in.DispatchDeadline == nil {
		return defaultDeadline, nil
	}
	d := in.DispatchDeadline.AsDuration()
	if in.DispatchDeadline.CheckValid() != nil || d < minDispatchDeadline || d > maxDispatchDeadline {
		return 0, status.Errorf(codes.InvalidArgument, "dispatch_deadline %v is outside [15s, 30m]", d)
	}
	return d, nil
}
