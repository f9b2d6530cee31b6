package cloudtasks

import (
	"container/heap"
	"context"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	pb "cloud.google.com/go/cloudtasks/apiv2/cloudtaskspb"
	"google.golang.org/protobuf/proto"

	"github.com/orgexport/orgexport/emulators/duplicate"
	"github.com/orgexport/orgexport/emulators/oidcissuer"
)

// emulator holds the queues and tasks and serves the gRPC API.
type emulator struct {
	pb.UnimplementedCloudTasksServer

	now          func() time.Time
	tombstoneFor time.Duration
	maxTaskSize  int
	rateCeiling  float64
	log          *slog.Logger
	issuer       *oidcissuer.Issuer
	tokens       *tokens
	client       *http.Client
	duplicates   duplicate.Deliveries

	ctx      context.Context // cancelled by Close: ends the dispatcher and in-flight attempts
	inflight sync.WaitGroup
	active   atomic.Int64 // dispatches in flight, with their duplicates
	wake     chan struct{}

	mu     sync.Mutex
	closed bool // no attempt starts once set
	queues map[string]*queue
	seq    uint64
}

// queue is a queue and its tasks.
type queue struct {
	pb         *pb.Queue
	tasks      map[string]*task
	tombstones map[string]time.Time // task name → when it may be used again
	pruneAt    int
	due        dueHeap
	tokens     bucket
	running    int
}

// task is a task and the dispatch state the API does not show.
type task struct {
	pb      *pb.Task
	gen     uint64 // bumped whenever the task is (re)scheduled or dispatched
	running int
	// previous attempt, for the X-CloudTasks-TaskPreviousResponse and
	// X-CloudTasks-TaskRetryReason headers
	prevHTTPStatus int
	prevReason     string
	// responses other than 5xx, for X-CloudTasks-TaskExecutionCount
	executions int
}

// dueEntry is a scheduled attempt; stale once its task's gen moved on.
type dueEntry struct {
	at  time.Time
	seq uint64
	t   *task
	gen uint64
}

type dueHeap []dueEntry

func (h dueHeap) Len() int { return len(h) }
func (h dueHeap) Less(i, j int) bool {
	if !h[i].at.Equal(h[j].at) {
		return h[i].at.Before(h[j].at)
	}
	return h[i].seq < h[j].seq
}
func (h dueHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *dueHeap) Push(x any)   { *h = append(*h, x.(dueEntry)) }
func (h *dueHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = dueEntry{}
	*h = old[:len(old)-1]
	return e
}

func newQueue(q *pb.Queue) *queue {
	return &queue{pb: q, tasks: map[string]*task{}, tombstones: map[string]time.Time{}, pruneAt: 1024}
}

// live reports whether a heap entry still stands for its task.
func (q *queue) live(d dueEntry) bool {
	return q.tasks[d.t.pb.Name] == d.t && d.t.gen == d.gen
}

// schedule (re)schedules t at "at". Callers hold e.mu.
func (e *emulator) schedule(q *queue, t *task, at time.Time) {
	t.gen++
	e.seq++
	t.pb.ScheduleTime = timestamp(at)
	heap.Push(&q.due, dueEntry{at: at, seq: e.seq, t: t, gen: t.gen})
	e.signal()
}

// remove deletes t from q and keeps its name unavailable for the
// tombstone window. Callers hold e.mu.
func (e *emulator) remove(q *queue, t *task, now time.Time) {
	delete(q.tasks, t.pb.Name)
	t.gen++
	q.tombstones[t.pb.Name] = now.Add(e.tombstoneFor)
	if len(q.tombstones) >= q.pruneAt {
		for name, until := range q.tombstones {
			if !now.Before(until) {
				delete(q.tombstones, name)
			}
		}
		q.pruneAt = max(1024, 2*len(q.tombstones))
	}
}

// signal wakes the dispatcher to look at the queues again.
func (e *emulator) signal() {
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

// view returns a copy of t as the response view v shows it: BASIC (the
// default) leaves out the body.
func view(t *pb.Task, v pb.Task_View) *pb.Task {
	c := proto.Clone(t).(*pb.Task)
	if v != pb.Task_FULL {
		v = pb.Task_BASIC
		if hr := c.GetHttpRequest(); hr != nil {
			hr.Body = nil
		}
	}
	c.View = v
	return c
}
