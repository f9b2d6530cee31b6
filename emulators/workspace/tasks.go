package workspace

import (
	"net/http"
	"time"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

func (s *Server) tasksRoutes(api func(string, string, http.HandlerFunc)) {
	api("tasks", "GET /tasks/v1/users/@me/lists", handle(s.listTaskLists))
	api("tasks", "GET /tasks/v1/lists/{tasklist}/tasks", handle(s.listTasks))
}

const rfc3339Milli = "2006-01-02T15:04:05.000Z07:00"

func (s *Server) listTaskLists(w http.ResponseWriter, r *http.Request) error {
	u := subject(r)
	start, size, err := page(r, "maxResults", 1000, 1000)
	if err != nil {
		return err
	}
	n := s.org.TaskListCount(u.Index)
	end := min(n, start+size)
	items := []obj{}
	for i := min(start, end); i < end; i++ {
		l := s.org.TaskList(u.Index, i)
		items = append(items, obj{"kind": "tasks#taskList", "id": l.ID, "etag": etag(l.ID), "title": l.Title,
			"updated": l.Updated.UTC().Format(rfc3339Milli), "selfLink": s.url + "/tasks/v1/users/@me/lists/" + l.ID})
	}
	res := obj{"kind": "tasks#taskLists", "etag": etag("lists" + u.ID), "items": items}
	setNext(res, end, n)
	reply(w, r, res, "")
	return nil
}

// taskList finds the token user's list by id.
func (s *Server) taskList(r *http.Request) (synth.TaskList, error) {
	u := subject(r)
	for i := range s.org.TaskListCount(u.Index) {
		if l := s.org.TaskList(u.Index, i); l.ID == r.PathValue("tasklist") {
			return l, nil
		}
	}
	return synth.TaskList{}, notFound("Task list not found.")
}

// listTasks honours showCompleted (default true), showDeleted and
// showHidden (default false), as the Tasks API does; 100 per page at most.
func (s *Server) listTasks(w http.ResponseWriter, r *http.Request) error {
	l, err := s.taskList(r)
	if err != nil {
		return err
	}
	start, size, err := page(r, "maxResults", 20, 100)
	if err != nil {
		return err
	}
	completed := r.URL.Query().Get("showCompleted") != "false"
	deleted, hidden := boolParam(r, "showDeleted"), boolParam(r, "showHidden")
	var shown []synth.Task
	for n := range s.org.TaskCount(l) {
		t := s.org.Task(l, n)
		if (t.Deleted && !deleted) || (t.Hidden && !hidden) || (t.Status == "completed" && !completed) {
			continue
		}
		shown = append(shown, t)
	}
	end := min(len(shown), start+size)
	items := []obj{}
	for _, t := range shown[min(start, end):end] {
		items = append(items, s.taskJSON(l, t))
	}
	res := obj{"kind": "tasks#tasks", "etag": etag("tasks" + l.ID), "items": items}
	setNext(res, end, len(shown))
	reply(w, r, res, "")
	return nil
}

func (s *Server) taskJSON(l synth.TaskList, t synth.Task) obj {
	o := obj{"kind": "tasks#task", "id": t.ID, "etag": etag(t.ID), "title": t.Title, "status": t.Status,
		"updated": t.Updated.UTC().Format(rfc3339Milli), "position": t.Position, "links": []obj{},
		"selfLink":    s.url + "/tasks/v1/lists/" + l.ID + "/tasks/" + t.ID,
		"webViewLink": "https://tasks.google.com/task/" + t.ID}
	if t.Notes != "" {
		o["notes"] = t.Notes
	}
	if t.Parent != "" {
		o["parent"] = t.Parent
	}
	if !t.Due.IsZero() {
		o["due"] = t.Due.UTC().Format(time.RFC3339Nano)
	}
	if !t.Completed.IsZero() {
		o["completed"] = t.Completed.UTC().Format(rfc3339Milli)
	}
	if t.Deleted {
		o["deleted"] = true
	}
	if t.Hidden {
		o["hidden"] = true
	}
	return o
}
