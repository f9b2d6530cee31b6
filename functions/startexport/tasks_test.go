package startexport_test

import (
	"context"
	"testing"
	"time"

	cloudtasks "cloud.google.com/go/cloudtasks/apiv2"
	"cloud.google.com/go/cloudtasks/apiv2/cloudtaskspb"

	ctemu "github.com/orgexport/orgexport/emulators/cloudtasks"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/config"
	"github.com/orgexport/orgexport/shared/taskqueue"
)

// The begin task goes to the Cloud Tasks emulator through the official
// client, named after the export and scheduled for the end of the hold.
func TestBeginTaskIsNamedAndScheduledInCloudTasks(t *testing.T) {
	s := newStack(t, synth.Tiny(40))
	ctx := context.Background()
	srv, err := ctemu.Start(ctx, ctemu.Options{Now: s.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	const project, location = "orgexport-test", "us-central1"
	client, err := cloudtasks.NewClient(ctx, srv.ClientOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	parent := "projects/" + project + "/locations/" + location
	if _, err := client.CreateQueue(ctx, &cloudtaskspb.CreateQueueRequest{Parent: parent,
		Queue: &cloudtaskspb.Queue{Name: parent + "/queues/export-control"}}); err != nil {
		t.Fatal(err)
	}
	q, err := taskqueue.New(ctx, project, config.Tasks{Endpoint: srv.Addr(), Location: location,
		ControlQueue: "export-control", BeginURL: "https://begin.example/BeginExport", InvokerAccount: "tasks@orgexport-test.iam.gserviceaccount.com"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Close() })
	s.svc.Tasks = q

	v := s.start(s.user(0))
	task, err := client.GetTask(ctx, &cloudtaskspb.GetTaskRequest{Name: parent + "/queues/export-control/tasks/begin_" + v.ID})
	if err != nil {
		t.Fatalf("the begin task is not in the queue: %v", err)
	}
	if got := task.GetScheduleTime().AsTime(); !got.Equal(v.HoldEnd) || !got.Equal(s.clock.Now().Add(48*time.Hour)) {
		t.Errorf("scheduled %s, want the hold's end %s", got, v.HoldEnd)
	}
	req := task.GetHttpRequest()
	if req.GetUrl() != "https://begin.example/BeginExport" || req.GetOidcToken().GetServiceAccountEmail() != "tasks@orgexport-test.iam.gserviceaccount.com" {
		t.Errorf("task calls %s as %s", req.GetUrl(), req.GetOidcToken().GetServiceAccountEmail())
	}
}
