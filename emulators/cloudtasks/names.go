package cloudtasks

import (
	"crypto/rand"
	"math/big"
	"regexp"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Resource names, as the service documents them: a queue id holds letters,
// digits and hyphens (at most 100); a task id letters, digits, hyphens and
// underscores (at most 500).
var (
	locationRE = regexp.MustCompile(`^projects/[A-Za-z0-9.:-]{1,100}/locations/[a-z0-9-]{1,63}$`)
	queueIDRE  = regexp.MustCompile(`^[A-Za-z0-9-]{1,100}$`)
	taskIDRE   = regexp.MustCompile(`^[A-Za-z0-9_-]{1,500}$`)
)

// queueName is a parsed projects/P/locations/L/queues/Q.
type queueName struct {
	parent string // projects/P/locations/L
	id     string
}

func (q queueName) String() string { return q.parent + "/queues/" + q.id }

func parseLocation(name string) error {
	if !locationRE.MatchString(name) {
		return status.Errorf(codes.InvalidArgument, "invalid location name %q: want projects/PROJECT_ID/locations/LOCATION_ID", name)
	}
	return nil
}

func parseQueueName(name string) (queueName, error) {
	parent, id, ok := strings.Cut(name, "/queues/")
	if !ok || parseLocation(parent) != nil || !queueIDRE.MatchString(id) {
		return queueName{}, status.Errorf(codes.InvalidArgument,
			"invalid queue name %q: want projects/PROJECT_ID/locations/LOCATION_ID/queues/QUEUE_ID, QUEUE_ID of letters, digits or hyphens, at most 100", name)
	}
	return queueName{parent: parent, id: id}, nil
}

// parseTaskName returns the queue and the task id of a task name.
func parseTaskName(name string) (queueName, string, error) {
	qpart, id, ok := strings.Cut(name, "/tasks/")
	q, err := parseQueueName(qpart)
	if !ok || err != nil || !taskIDRE.MatchString(id) {
		return queueName{}, "", status.Errorf(codes.InvalidArgument,
			"invalid task name %q: want projects/PROJECT_ID/locations/LOCATION_ID/queues/QUEUE_ID/tasks/TASK_ID, TASK_ID of letters, digits, hyphens or underscores, at most 500", name)
	}
	return q, id, nil
}

// shortID is the last element of a resource name.
func shortID(name string) string { return name[strings.LastIndexByte(name, '/')+1:] }

// generatedTaskID returns a random id of 19 decimal digits, the shape of the
// ids the service gives tasks created without a name.
func generatedTaskID() string {
	limit := new(big.Int).Exp(big.NewInt(10), big.NewInt(19), nil)
	n, err := rand.Int(rand.Reader, limit)
	if err != nil {
		panic("cloudtasks: crypto/rand failed: " + err.Error()) // never returns an error on supported platforms
	}
	s := n.String()
	return strings.Repeat("1", 19-len(s)) + s
}
