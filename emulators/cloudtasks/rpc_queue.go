package cloudtasks

import (
	"context"
	"encoding/base64"
	"sort"
	"strings"

	pb "cloud.google.com/go/cloudtasks/apiv2/cloudtaskspb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/emptypb"
)

// CreateQueue adds a queue; AlreadyExists if one has the name.
func (e *emulator) CreateQueue(_ context.Context, req *pb.CreateQueueRequest) (*pb.Queue, error) {
	if err := parseLocation(req.GetParent()); err != nil {
		return nil, err
	}
	name, err := parseQueueName(req.GetQueue().GetName())
	if err != nil {
		return nil, err
	}
	if name.parent != req.GetParent() {
		return nil, status.Errorf(codes.InvalidArgument, "queue %s is not in parent %s", name, req.GetParent())
	}
	in := proto.Clone(req.GetQueue()).(*pb.Queue)
	in.State, in.PurgeTime = pb.Queue_RUNNING, nil
	q, err := normalizeQueue(in, e.rateCeiling)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.queues[q.Name]; ok {
		return nil, status.Errorf(codes.AlreadyExists, "queue %s already exists", q.Name)
	}
	e.queues[q.Name] = newQueue(q)
	return proto.Clone(q).(*pb.Queue), nil
}

// UpdateQueue changes the fields named by the mask, creating the queue if
// it does not exist.
func (e *emulator) UpdateQueue(_ context.Context, req *pb.UpdateQueueRequest) (*pb.Queue, error) {
	if _, err := parseQueueName(req.GetQueue().GetName()); err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	name := req.GetQueue().GetName()
	cur, ok := e.queues[name]
	base := &pb.Queue{Name: name, State: pb.Queue_RUNNING}
	if ok {
		base = cur.pb
	}
	next, err := applyQueueUpdate(base, req.GetQueue(), req.GetUpdateMask(), e.rateCeiling)
	if err != nil {
		return nil, err
	}
	if ok {
		cur.pb = next
	} else {
		e.queues[name] = newQueue(next)
	}
	e.signal()
	return proto.Clone(next).(*pb.Queue), nil
}

// GetQueue returns a queue; NotFound if there is none.
func (e *emulator) GetQueue(_ context.Context, req *pb.GetQueueRequest) (*pb.Queue, error) {
	return e.withQueue(req.GetName(), func(*queue) {})
}

// PauseQueue stops dispatches from the queue until it is resumed.
func (e *emulator) PauseQueue(_ context.Context, req *pb.PauseQueueRequest) (*pb.Queue, error) {
	return e.withQueue(req.GetName(), func(q *queue) { q.pb.State = pb.Queue_PAUSED })
}

// ResumeQueue lets a paused queue dispatch again.
func (e *emulator) ResumeQueue(_ context.Context, req *pb.ResumeQueueRequest) (*pb.Queue, error) {
	return e.withQueue(req.GetName(), func(q *queue) { q.pb.State = pb.Queue_RUNNING; e.signal() })
}

// PurgeQueue deletes every task of the queue. Their names stay taken for
// the tombstone window; attempts in flight finish, but their results are
// dropped.
func (e *emulator) PurgeQueue(_ context.Context, req *pb.PurgeQueueRequest) (*pb.Queue, error) {
	return e.withQueue(req.GetName(), func(q *queue) {
		now := e.now()
		for _, t := range q.tasks {
			e.remove(q, t, now)
		}
		q.due = nil
		q.pb.PurgeTime = timestamp(now)
	})
}

// DeleteQueue removes a queue with its tasks.
func (e *emulator) DeleteQueue(_ context.Context, req *pb.DeleteQueueRequest) (*emptypb.Empty, error) {
	if _, err := e.withQueue(req.GetName(), func(q *queue) { delete(e.queues, q.pb.Name) }); err != nil {
		return nil, err
	}
	return &emptypb.Empty{}, nil
}

// withQueue runs fn on the named queue under the lock and returns a copy of
// the queue afterwards.
func (e *emulator) withQueue(name string, fn func(*queue)) (*pb.Queue, error) {
	if _, err := parseQueueName(name); err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	q, ok := e.queues[name]
	if !ok {
		return nil, status.Errorf(codes.NotFound, "queue %s does not exist", name)
	}
	fn(q)
	return proto.Clone(q.pb).(*pb.Queue), nil
}

// ListQueues lists a location's queues in name order. The filter supports
// "state: PAUSED" and "state: RUNNING".
func (e *emulator) ListQueues(_ context.Context, req *pb.ListQueuesRequest) (*pb.ListQueuesResponse, error) {
	if err := parseLocation(req.GetParent()); err != nil {
		return nil, err
	}
	want, err := parseStateFilter(req.GetFilter())
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	var all []*pb.Queue
	for name, q := range e.queues {
		if strings.HasPrefix(name, req.GetParent()+"/queues/") && (want == pb.Queue_STATE_UNSPECIFIED || q.pb.State == want) {
			all = append(all, proto.Clone(q.pb).(*pb.Queue))
		}
	}
	e.mu.Unlock()
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	page, next, err := paginate(len(all), func(i int) string { return all[i].Name }, req.GetPageSize(), req.GetPageToken(), 9800)
	if err != nil {
		return nil, err
	}
	return &pb.ListQueuesResponse{Queues: all[page[0]:page[1]], NextPageToken: next}, nil
}

func parseStateFilter(f string) (pb.Queue_State, error) {
	f = strings.TrimSpace(f)
	if f == "" {
		return pb.Queue_STATE_UNSPECIFIED, nil
	}
	k, v, ok := strings.Cut(f, ":")
	if s, known := pb.Queue_State_value[strings.TrimSpace(v)]; ok && known && strings.TrimSpace(k) == "state" {
		return pb.Queue_State(s), nil
	}
	return 0, status.Errorf(codes.InvalidArgument, "unsupported filter %q: the emulator knows only \"state: STATE\"", f)
}

// paginate returns the [from, to) range of a page over n sorted items
// named by key, and the token of the next page ("" at the end). A token
// is the last name of the previous page.
func paginate(n int, key func(int) string, size int32, token string, maxSize int) ([2]int, string, error) {
	if size < 0 {
		return [2]int{}, "", status.Errorf(codes.InvalidArgument, "page_size must not be negative, got %d", size)
	}
	if size == 0 || int(size) > maxSize {
		size = int32(maxSize)
	}
	from := 0
	if token != "" {
		after, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil {
			return [2]int{}, "", status.Errorf(codes.InvalidArgument, "invalid page_token %q", token)
		}
		from = sort.Search(n, func(i int) bool { return key(i) > string(after) })
	}
	to := min(n, from+int(size))
	next := ""
	if to < n {
		next = base64.RawURLEncoding.EncodeToString([]byte(key(to - 1)))
	}
	return [2]int{from, to}, next, nil
}
