package googletasks

import (
	_ "embed"

	"google.golang.org/api/tasks/v1"
)

// Schema is the JSON Schema of Tasks.json.
//
//go:embed tasks.schema.json
var Schema []byte

// listJSON is a task list in Takeout's shape, without its items.
type listJSON struct {
	Kind    string `json:"kind"`
	ID      string `json:"id"`
	Title   string `json:"title"`
	Updated string `json:"updated,omitempty"`
}

// Task is one task in Tasks.json: the API's fields, plus deletionTime.
type Task struct {
	Kind        string `json:"kind"`
	ID          string `json:"id"`
	Title       string `json:"title"`
	Updated     string `json:"updated,omitempty"`
	Parent      string `json:"parent,omitempty"`
	Position    string `json:"position,omitempty"`
	Notes       string `json:"notes,omitempty"`
	Status      string `json:"status,omitempty"`
	Due         string `json:"due,omitempty"`
	Completed   string `json:"completed,omitempty"`
	Deleted     bool   `json:"deleted,omitempty"`
	Hidden      bool   `json:"hidden,omitempty"`
	Links       []Link `json:"links,omitempty"`
	WebViewLink string `json:"webViewLink,omitempty"`
	// DeletionTime is updated, for deleted tasks: the API has no deletion
	// time, and a deleted task's last change is its deletion.
	DeletionTime string `json:"deletionTime,omitempty"`
}

// Link is a link attached to a task (an email the task was made from).
type Link struct {
	Type        string `json:"type,omitempty"`
	Description string `json:"description,omitempty"`
	Link        string `json:"link,omitempty"`
}

func fromAPI(t *tasks.Task) Task {
	out := Task{Kind: "tasks#task", ID: t.Id, Title: t.Title, Updated: t.Updated, Parent: t.Parent,
		Position: t.Position, Notes: t.Notes, Status: t.Status, Due: t.Due, WebViewLink: t.WebViewLink,
		Deleted: t.Deleted, Hidden: t.Hidden}
	if t.Completed != nil {
		out.Completed = *t.Completed
	}
	for _, l := range t.Links {
		out.Links = append(out.Links, Link{Type: l.Type, Description: l.Description, Link: l.Link})
	}
	if t.Deleted {
		out.DeletionTime = t.Updated
	}
	return out
}
