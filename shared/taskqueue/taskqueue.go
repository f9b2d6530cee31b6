package taskqueue

import (
	"context"
	"encoding/json"
	"fmt"
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
	"github.com/orgexport/orgexport/shared/export"
)

// Queue creates tasks.
type Queue struct {
	client  *cloudtasks.Client
	parent  string // projects/P/locations/L
	invoker string
	routes  map[export.Queue]route
}

// route is where tasks of one kind go: a Cloud Tasks queue and the URL of
// the function that runs them.
type route struct{ queue, url string }

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
	return &Queue{client: c, parent: "projects/" + project + "/locations/" + cfg.Location, invoker: cfg.InvokerAccount,
		routes: map[export.Queue]route{
			export.ControlQueue:  {cfg.ControlQueue, cfg.BeginURL},
			export.AccountsQueue: {cfg.AccountsQueue, cfg.AccountURL},
		}}, nil
}

// Close releases the client.
func (q *Queue) Close() error { return q.client.Close() }

// dispatchDeadline is how long Cloud Tasks waits for a function's answer:
// the most it allows for HTTP targets.
const dispatchDeadline = 30 * time.Minute

// Enqueue creates t. A task of the same name that exists, ran or was
// deleted recently is not created again, and that is success.
func (q *Queue) Enqueue(ctx context.Context, t export.Task) error {
	r, ok := q.routes[t.Queue]
	if !ok || r.queue == "" || r.url == "" {
		return fmt.Errorf("task %s: no queue or target URL is configured for %q tasks", t.Name, t.Queue)
	}
	body, err := json.Marshal(t.Body)
	if err != nil {
		return fmt.Errorf("task %s: %w", t.Name, err)
	}
	queue := q.parent + "/queues/" + r.queue
	req := &cloudtaskspb.CreateTaskRequest{Parent: queue, Task: &cloudtaskspb.Task{
		Name:             queue + "/tasks/" + t.Name,
		DispatchDeadline: durationpb.New(dispatchDeadline),
		MessageType: &cloudtaskspb.Task_HttpRequest{HttpRequest: &cloudtaskspb.HttpRequest{
			Url:        r.url,
			HttpMethod: cloudtaskspb.HttpMethod_POST,
			Headers:    map[string]string{"Content-Type": "application/json"},
			Body:       body,
			AuthorizationHeader: &cloudtaskspb.HttpRequest_OidcToken{OidcToken: &cloudtaskspb.OidcToken{
				ServiceAccountEmail: q.invoker, Audience: audience(r.url),
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
		return fmt.Errorf("create task %s in %s: %w", t.Name, r.queue, err)
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
