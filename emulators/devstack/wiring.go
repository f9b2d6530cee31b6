package devstack

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	cloudtasks "cloud.google.com/go/cloudtasks/apiv2"
	"cloud.google.com/go/cloudtasks/apiv2/cloudtaskspb"
	"cloud.google.com/go/pubsub/v2"
	"google.golang.org/api/option"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/orgexport/orgexport/emulators/oidcissuer"
	"github.com/orgexport/orgexport/emulators/pubsubpush"
)

// Queue settings: those infra/ gives the real queues.
var queues = map[string]*cloudtaskspb.Queue{
	"export-control": {
		RateLimits:  &cloudtaskspb.RateLimits{MaxDispatchesPerSecond: 10, MaxConcurrentDispatches: 10},
		RetryConfig: &cloudtaskspb.RetryConfig{MaxAttempts: 20, MinBackoff: durationpb.New(time.Second), MaxBackoff: durationpb.New(10 * time.Second), MaxDoublings: 5},
	},
	"export-accounts": {
		RateLimits:  &cloudtaskspb.RateLimits{MaxDispatchesPerSecond: 50, MaxConcurrentDispatches: 8},
		RetryConfig: &cloudtaskspb.RetryConfig{MaxAttempts: 50, MinBackoff: durationpb.New(time.Second), MaxBackoff: durationpb.New(30 * time.Second), MaxDoublings: 5},
	},
}

// wire creates the queues, the topic and the push route to AssembleReport.
// Retries are shorter than in the cloud so a local run does not wait for
// minutes.
func (s *Stack) wire(ctx context.Context) error {
	tc, err := cloudtasks.NewClient(ctx, option.WithEndpoint(s.tasks.Addr()), option.WithoutAuthentication(),
		option.WithGRPCDialOption(grpc.WithTransportCredentials(insecure.NewCredentials())))
	if err != nil {
		return err
	}
	defer tc.Close()
	parent := "projects/" + Project + "/locations/us-central1"
	for name, q := range queues {
		q.Name = parent + "/queues/" + name
		if _, err := tc.CreateQueue(ctx, &cloudtaskspb.CreateQueueRequest{Parent: parent, Queue: q}); err != nil {
			return fmt.Errorf("queue %s: %w", name, err)
		}
	}
	ps, err := pubsub.NewClient(ctx, Project, option.WithEndpoint(s.pubsub.HostPort()), option.WithoutAuthentication(),
		option.WithGRPCDialOption(grpc.WithTransportCredentials(insecure.NewCredentials())))
	if err != nil {
		return err
	}
	s.psClient = ps
	s.onClose(ps.Close)
	f, err := pubsubpush.New(ps, s.google, []pubsubpush.Route{{
		Topic: "export-events", Subscription: "export-events-assemble-report",
		Endpoint: s.URLs["AssembleReport"], ServiceAccount: PushAccount,
		AckDeadline: 10 * time.Minute, MaxDeliveryAttempts: 20, DeadLetterTopic: "export-events-dead-letter",
	}}, pubsubpush.Options{MinBackoff: time.Second, MaxBackoff: 30 * time.Second, Logger: s.log,
		// Close stops the forwarder before the functions: a push still in
		// flight (AssembleReport sending the completion email) may finish.
		Drain: 30 * time.Second, Duplicate: s.opts.Duplicate})
	if err != nil {
		return err
	}
	if err := f.Ensure(ctx); err != nil {
		return err
	}
	runCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := f.Run(runCtx); err != nil && runCtx.Err() == nil {
			s.log.Error("push forwarder stopped", "error", err)
		}
	}()
	s.forwarder = f
	s.onClose(func() error { stop(); <-done; return nil })
	return nil
}

// ServiceToken mints a token as Google would for a service account calling
// a function.
func (s *Stack) ServiceToken(account, function string) (string, error) {
	return s.google.Mint(oidcissuer.Token{Subject: account, Email: account, Audience: s.URLs[function]})
}

// AdminToken mints an ID token for a user of the organisation, as Google
// sign-in does for the console.
func (s *Stack) AdminToken(email string) (string, error) {
	return s.Workspace.MintIDToken(email, AdminAudience)
}

// Housekeeping calls the Housekeeping function as Cloud Scheduler does.
func (s *Stack) Housekeeping(ctx context.Context) (string, error) {
	tok, err := s.ServiceToken(SchedulerAccount, "Housekeeping")
	if err != nil {
		return "", err
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URLs["Housekeeping"], strings.NewReader("{}"))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return string(body), fmt.Errorf("housekeeping: %s", resp.Status)
	}
	return string(body), nil
}

func (s *Stack) schedule(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if out, err := s.Housekeeping(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("housekeeping failed", "error", err, "answer", out)
			}
		}
	}
}
