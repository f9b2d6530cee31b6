package export

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Queue is the kind of work a task is: the task queue adapter knows which
// Cloud Tasks queue and function URL each kind goes to.
type Queue string

// The two queues: control work and per-account work.
const (
	// ControlQueue carries BeginExport's tasks: the post-hold start and
	// the enumeration's continuations.
	ControlQueue Queue = "control"
	// AccountsQueue carries ExportAccount's tasks, one per part of an
	// account; its rate protects the Workspace API quotas.
	AccountsQueue Queue = "accounts"
)

// Task is one call of a function at a time, in the domain's terms.
type Task struct {
	Queue Queue
	// Name is the task's id within its queue: the same work always has the
	// same name, so a second create of it is AlreadyExists.
	Name string
	Body any // encoded as JSON
	At   time.Time
}

// BeginTask is the body of BeginExport's task.
type BeginTask struct {
	CustomerID string `json:"customer_id"`
	ExportID   string `json:"export_id"`
	// Action is "" for the start and its continuations, ActionPurgeData
	// for the deletion of a cancelled export's objects.
	Action string `json:"action,omitempty"`
}

// ActionPurgeData is the BeginTask action that deletes a cancelled
// export's objects.
const ActionPurgeData = "purge"

// Validate checks the ids a begin task names (see ValidID) and its action.
func (t BeginTask) Validate() error {
	if t.Action != "" && t.Action != ActionPurgeData {
		return fmt.Errorf("action must be empty or %q, not %q", ActionPurgeData, t.Action)
	}
	return validIDs(map[string]string{"customer_id": t.CustomerID, "export_id": t.ExportID})
}

// PurgeData is the task that deletes the objects of the cancelled export
// e, retried until every one is gone.
func PurgeData(e *Export) Task {
	return Task{Queue: ControlQueue, Name: TaskName("purge", e.ID),
		Body: BeginTask{CustomerID: e.CustomerID, ExportID: e.ID, Action: ActionPurgeData}}
}

// AccountTask is the body of ExportAccount's task: one part of one account.
type AccountTask struct {
	CustomerID string `json:"customer_id"`
	ExportID   string `json:"export_id"`
	AccountKey string `json:"account_key"`
	// Part is the part the task writes; it names the task, so each
	// continuation is a new task and a redelivery is the same one.
	Part int `json:"part"`
	// Attempt distinguishes a re-enqueue of stuck work.
	Attempt int `json:"attempt,omitempty"`
}

// Validate checks the task's ids and part.
func (t AccountTask) Validate() error {
	if err := validIDs(map[string]string{"customer_id": t.CustomerID, "export_id": t.ExportID, "account_key": t.AccountKey}); err != nil {
		return err
	}
	if t.Part < 1 || t.Part > 99999 {
		return fmt.Errorf("part must be from 1 to 99999, not %d", t.Part)
	}
	if t.Attempt < 0 {
		return fmt.Errorf("attempt must not be negative, not %d", t.Attempt)
	}
	return nil
}

// BeginAt is the post-hold start of e, due when its hold ends (R3a).
func BeginAt(e *Export) Task {
	return Task{Queue: ControlQueue, Name: TaskName("begin", e.ID), At: e.HoldEnd,
		Body: BeginTask{CustomerID: e.CustomerID, ExportID: e.ID}}
}

// BeginContinued carries e's enumeration on from where it stands: named by
// its position, so the same position is continued once.
func BeginContinued(e *Export) Task {
	n := e.Enumeration
	return Task{Queue: ControlQueue, Body: BeginTask{CustomerID: e.CustomerID, ExportID: e.ID},
		Name: TaskName("begin", e.ID, fmt.Sprintf("k%d", n.Phase), fmt.Sprintf("a%d", n.Accounts+n.Skipped))}
}

// AccountPart is the task that writes part of account key of e. Attempt 0
// is the first try; Housekeeping's re-enqueue of stuck work names a later
// attempt, so it is a new task.
func AccountPart(e *Export, key string, part, attempt int) Task {
	parts := []string{e.ID, key, fmt.Sprintf("p%03d", part)}
	if attempt > 0 {
		parts = append(parts, fmt.Sprintf("r%d", attempt))
	}
	return Task{Queue: AccountsQueue, Name: TaskName(parts...),
		Body: AccountTask{CustomerID: e.CustomerID, ExportID: e.ID, AccountKey: key, Part: part, Attempt: attempt}}
}

var taskNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,400}$`)

// TaskName builds a Cloud Tasks task id from its parts: readable when they
// are short and safe, hashed otherwise, always the same for the same parts.
func TaskName(parts ...string) string {
	joined := strings.Join(parts, "_")
	if taskNameRE.MatchString(joined) {
		return joined
	}
	h := sha256.Sum256([]byte(joined))
	return "h_" + hex.EncodeToString(h[:20])
}
