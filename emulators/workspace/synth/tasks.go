package synth

import (
	"fmt"
	"time"
)

// Hash kinds of the products of this file and keep.go, chat.go; far from
// rand.go's so the two lists never collide.
const (
	kTask uint64 = 101 + iota
	kNote
	kSpace
)

// TaskList is one of a user's task lists.
type TaskList struct {
	User, Index int
	ID, Title   string
	Updated     time.Time
}

// Task is a task of a list. Deleted tasks are "recently deleted": the API
// still returns them with showDeleted, and their Updated is when they were
// deleted. Hidden tasks are completed tasks the user cleared.
type Task struct {
	ID, Title, Notes string
	Parent           string // the parent task's id, for subtasks
	Position         string
	Status           string // needsAction or completed
	Due, Completed   time.Time
	Updated          time.Time
	Deleted, Hidden  bool
}

// TaskListCount is the number of the user's task lists.
func (g *Org) TaskListCount(user int) int {
	if !g.HasData() || g.opt.TasksPerUser == 0 {
		return 0
	}
	return 2
}

// TaskList returns the user's task list i; the first is "My Tasks".
func (g *Org) TaskList(user, i int) TaskList {
	h := g.hash(kTask, uint64(user), uint64(i))
	l := TaskList{User: user, Index: i, ID: fmt.Sprintf("MTk%013x", h>>12), Title: "My Tasks",
		Updated: g.opt.Now.Add(-time.Duration(h%500) * time.Hour).Truncate(time.Millisecond)}
	if i > 0 {
		l.Title = fmt.Sprintf("List %d", i+1)
	}
	if g.opt.Hostile && i == 1 {
		l.Title = "<b>bold</b> & \"quoted\""
	}
	return l
}

// TaskCount is the number of tasks in the list, deleted and hidden ones too.
func (g *Org) TaskCount(l TaskList) int {
	if l.Index == 0 {
		return g.opt.TasksPerUser - g.opt.TasksPerUser/3
	}
	return g.opt.TasksPerUser / 3
}

// Task returns task n of the list: every 5th is deleted, every 4th
// completed (and every 8th of those cleared, so hidden), every 3rd a
// subtask of the one before.
func (g *Org) Task(l TaskList, n int) Task {
	r := g.rng(kTask, 't', uint64(l.User), uint64(l.Index), uint64(n))
	t := Task{ID: fmt.Sprintf("T%015x", g.hash(kTask, 'i', uint64(l.User), uint64(l.Index), uint64(n))>>4),
		Title: fmt.Sprintf("Task %d of %s", n+1, l.Title), Position: fmt.Sprintf("%020d", n), Status: "needsAction",
		Updated: g.opt.Now.Add(-time.Duration(24+r.IntN(2000)) * time.Hour).Truncate(time.Millisecond)}
	if n%2 == 0 {
		t.Notes = fmt.Sprintf("Notes for task %d\nsecond line", n+1)
	}
	if n%3 == 2 {
		t.Parent = g.Task(l, n-1).ID
	}
	if n%2 == 1 {
		t.Due = g.opt.Now.Add(time.Duration(r.IntN(60)) * 24 * time.Hour).Truncate(24 * time.Hour)
	}
	if n%4 == 3 {
		t.Status, t.Completed = "completed", t.Updated
		t.Hidden = n%8 == 7
	}
	if n%5 == 4 {
		t.Deleted = true
		t.Updated = g.opt.Now.Add(-time.Duration(1+r.IntN(20)) * time.Hour).Truncate(time.Millisecond)
	}
	if g.opt.Hostile && n == 0 {
		t.Title = "<script>alert('task')</script>"
	}
	return t
}
