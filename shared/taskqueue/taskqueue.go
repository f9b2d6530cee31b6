package taskqueue

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"time"

	cloudtasks "cloud.google.com/go/cloudtasks/apiv2"
	"cloud.google.com/go/cloudtasks/apiv2/cloudtaskspb"
	"google.golang.org/api/option"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/orgexport/orgexport/shared/config"
)

// Task is one call of a function, at a time.
type Task struct {
	Queue string // short queue name, e.g. "export-accounts"
	// Name is the task's id within the queue; Name builds one.
	Name string
	URL  string
	Body any // encoded as JSON
	At   time.Time
	// Deadline is the dispatch deadline (15 s to 30 min); 0 means 30 min.
	Deadline time.Duration
}

// Queue creates tasks.
type Queue struct {
	client  *cloudtasks.Client
	parent  string // projects/P/locations/L
	invoker string
}

// New connects to Cloud Tasks, or to the emulator at cfg.Endpoint.
func New(ctx context.Context, project string, cfg config.Tasks) (*Queue, error) {
	var opts []option.ClientOption
	if cfg.Endpoint != "" {
		opts = append(opts, option.WithEndpoint(cfg.Endpoint), option.WithoutAuthentication(),
			option.WithGRPCDialOption(grpc.WithTransportCredentials(insecure.NewCredentials())))
	}
	c, err := cloudtasks.NewClient(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("cloud tasks: %w", err)
	}
	return &Queue{client: c, parent: "projects/" + project + "/locations/" + cfg.Location, invoker: cfg.InvokerAccount}, nil
}

// Close releases the client.
func (q *Queue) Close() error { return q.client.Close() }

var validName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,500}$`)

// Name builds a task id from its parts: readable when they are short and
// safe, hashed otherwise, always the same for the same parts.
func Name(parts ...string) string {
	joined := ""
	for i, p := range parts {
		if i > 0 {
			joined += "_"
		}
		joined += p
	}
	if validName.MatchString(joined) && len(joined) <= 400 {
		return joined
	}
	h := sha256.Sum256([]byte(joined))
	return "h_" + hex.EncodeToString(h[:20])
}

// Enqueue creates t. A task of the same name that exists, ran or was
// deleted recently is not created again, and that is success.
func (q *Queue) Enqueue(ctx context.Context, t Task) error {
	body, err := json.Marshal(t.Body)
	if err != nil {
		return fmt.Errorf("task %s: %w", t.Name, err)
	}
	if t.Deadline == 0 {
		t.Deadline = 30 * time.Minute
	}
	queue := q.parent + "/queues/" + t.Queue
	req := &cloudtaskspb.CreateTaskRequest{Parent: queue, Task: &cloudtaskspb.Task{
		Name:             queue + "/tasks/" + t.Name,
		DispatchDeadline: durationpb.New(t.Deadline),
		MessageType: &cloudtaskspb.Task_HttpRequest{HttpRequest: &cloudtaskspb.HttpRequest{
			Url:        t.URL,
			HttpMethod: cloudtaskspb.HttpMethod_POST,
			Headers:    map[string]string{"Content-Type": "application/json"},
			Body:       body,
			AuthorizationHeader: &cloudtaskspb.HttpRequest_OidcToken{OidcToken: &cloudtaskspb.OidcToken{
				ServiceAccountEmail: q.invoker, Audience: audience(t.URL),
			}},
		}},
	}}
	if !t.At.IsZero() {
		req.Task.ScheduleTime = timestamppb.New(t.At)
	}
	_, err = q.client.CreateTask(ctx, req)
	if status.Code(err) == codes.AlreadyExists {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create task %s in %s: %w", t.Name, t.Queue, err)
	}
	return nil
}

// audience is the function's URL without query: what the target verifies.
func audience(u string) string {
	for i := 0; i < len(u); i++ {
		if u[i] == '?' || u[i] == '#' {
			return u[:i]
		}
	}
	return u
}
