package pipeline_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	cloudtasksapi "cloud.google.com/go/cloudtasks/apiv2"
	"cloud.google.com/go/cloudtasks/apiv2/cloudtaskspb"
	"google.golang.org/api/option"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/orgexport/orgexport/emulators/cloudtasks"
	"github.com/orgexport/orgexport/emulators/testenv"
	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/config"
	"github.com/orgexport/orgexport/shared/control"
	"github.com/orgexport/orgexport/shared/delegation"
	"github.com/orgexport/orgexport/shared/directory"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/pipeline"
	"github.com/orgexport/orgexport/shared/store"
	"github.com/orgexport/orgexport/shared/taskqueue"
)

// BenchmarkFanOut measures BeginExport's fan-out on the local stack: the
// Directory read from the Workspace emulator, the account records written
// to the Firestore emulator and one named task per account created in the
// Cloud Tasks emulator (its queue paused, so nothing dispatches). Run it
// with: go test ./shared/pipeline -run XXX -bench FanOut -benchtime 1x
func BenchmarkFanOut(b *testing.B) {
	for _, users := range []int{2500, 5000, 10000} {
		b.Run(fmt.Sprintf("users=%d", users), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				p, e, tasks := fanOutStack(b, users)
				b.StartTimer()
				t0 := time.Now()
				if err := p.Begin(context.Background(), export.BeginTask{CustomerID: e.CustomerID, ExportID: e.ID}); err != nil {
					b.Fatal(err)
				}
				elapsed := time.Since(t0)
				b.StopTimer()
				n := countTasks(b, tasks)
				rec, err := p.Store.Export(context.Background(), e.CustomerID, e.ID)
				if err != nil {
					b.Fatal(err)
				}
				if !rec.Enumeration.Done || n != rec.Enumeration.Accounts || n+rec.Enumeration.Skipped < users {
					b.Fatalf("%d tasks, %d accounts recorded, %d users skipped (R4), for %d users", n, rec.Enumeration.Accounts, rec.Enumeration.Skipped, users)
				}
				b.ReportMetric(float64(n)/elapsed.Seconds(), "accounts/s")
				b.ReportMetric(float64(n), "accounts")
			}
		})
	}
}

type taskCounter struct {
	client *cloudtasksapi.Client
	queue  string
}

func countTasks(b *testing.B, c taskCounter) int {
	it := c.client.ListTasks(context.Background(), &cloudtaskspb.ListTasksRequest{Parent: c.queue, PageSize: 1000})
	n := 0
	for {
		_, err := it.Next()
		if err != nil {
			return n
		}
		n++
	}
}

func fanOutStack(b *testing.B, users int) (*pipeline.Pipeline, *export.Export, taskCounter) {
	ctx := context.Background()
	env := testenv.Get(b)
	opt := synth.Tiny(1)
	opt.Users, opt.Groups, opt.MetadataOnly, opt.Now = users, 50, true, time.Now().UTC()
	org, err := synth.New(opt)
	if err != nil {
		b.Fatal(err)
	}
	ws, err := workspace.Start(workspace.Config{Org: org}, "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ws.Close() })
	ct, err := cloudtasks.Start(ctx, cloudtasks.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ct.Close() })
	client, err := cloudtasksapi.NewClient(ctx, option.WithEndpoint(ct.Addr()), option.WithoutAuthentication(),
		option.WithGRPCDialOption(grpc.WithTransportCredentials(insecure.NewCredentials())))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { client.Close() })
	parent := "projects/" + env.Project + "/locations/us-central1"
	queue := parent + "/queues/export-accounts"
	if _, err := client.CreateQueue(ctx, &cloudtaskspb.CreateQueueRequest{Parent: parent, Queue: &cloudtaskspb.Queue{Name: queue}}); err != nil {
		b.Fatal(err)
	}
	if _, err := client.PauseQueue(ctx, &cloudtaskspb.PauseQueueRequest{Name: queue}); err != nil {
		b.Fatal(err)
	}
	q, err := taskqueue.New(ctx, env.Project, config.Tasks{Endpoint: ct.Addr(), Location: "us-central1", InvokerAccount: "tasks@example.iam.gserviceaccount.com"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { q.Close() })
	f, err := delegation.New(ctx, config.Workspace{Endpoint: ws.URL(), DelegationServiceAccount: ws.DelegationAccount()}, delegation.Options{})
	if err != nil {
		b.Fatal(err)
	}
	st, err := store.New(ctx, env.Project)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	now := time.Now().UTC()
	admin := "admin@" + org.Customer().Domain
	e := &export.Export{ID: "fanout", CustomerID: org.Customer().ID, Domain: org.Customer().Domain, State: export.OnHold,
		RequestedBy: admin, RequestedAt: now, HoldEnd: now, Prefix: org.Customer().ID + "/fanout/"}
	if err := st.Start(ctx, e, export.AuditEntry{At: now}, now); err != nil {
		b.Fatal(err)
	}
	dir := directory.New(f)
	log := slog.New(slog.DiscardHandler)
	p := &pipeline.Pipeline{Store: st, Directory: dir, Tasks: q, Events: &recorder{},
		Requesters: &control.Service{Store: st, Directory: dir, Log: log}, Log: log, Budget: time.Hour}
	return p, e, taskCounter{client: client, queue: queue}
}
