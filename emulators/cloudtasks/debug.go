package cloudtasks

import (
	"encoding/json"
	"net/http"
	"sort"
	"time"
)

// taskListing is one task in GET /tasks.
type taskListing struct {
	Name          string    `json:"name"`
	QueueState    string    `json:"queueState"`
	URL           string    `json:"url"`
	ScheduleTime  time.Time `json:"scheduleTime"`
	DispatchCount int32     `json:"dispatchCount"`
	ResponseCount int32     `json:"responseCount"`
	Running       bool      `json:"running"`
}

// serveTaskList lists every task of every queue as JSON, by name, for
// people debugging the local stack.
func (e *emulator) serveTaskList(w http.ResponseWriter, _ *http.Request) {
	e.mu.Lock()
	out := []taskListing{}
	for _, q := range e.queues {
		for _, t := range q.tasks {
			out = append(out, taskListing{
				Name:          t.pb.Name,
				QueueState:    q.pb.State.String(),
				URL:           t.pb.GetHttpRequest().GetUrl(),
				ScheduleTime:  t.pb.ScheduleTime.AsTime(),
				DispatchCount: t.pb.DispatchCount,
				ResponseCount: t.pb.ResponseCount,
				Running:       t.running > 0,
			})
		}
	}
	e.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}
