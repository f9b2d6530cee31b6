package pubsubpush_test

import (
	"context"
	"testing"

	"cloud.google.com/go/pubsub/v2"
	"cloud.google.com/go/pubsub/v2/apiv1/pubsubpb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/orgexport/orgexport/emulators/testenv"
)

// subscribe makes a pull subscription on topic (creating the topic).
func subscribe(t *testing.T, env *testenv.Env, topic string) *pubsub.Subscriber {
	t.Helper()
	ctx := context.Background()
	c := env.PubSub()
	name := "projects/" + env.Project + "/topics/" + topic
	if _, err := c.TopicAdminClient.CreateTopic(ctx, &pubsubpb.Topic{Name: name}); status.Code(err) != codes.OK && status.Code(err) != codes.AlreadyExists {
		t.Fatal(err)
	}
	sub := "projects/" + env.Project + "/subscriptions/" + topic + "-pull"
	if _, err := c.SubscriptionAdminClient.CreateSubscription(ctx, &pubsubpb.Subscription{Name: sub, Topic: name}); err != nil {
		t.Fatal(err)
	}
	return c.Subscriber(sub)
}

func receiveOne(t *testing.T, ctx context.Context, sub *pubsub.Subscriber) *pubsub.Message {
	t.Helper()
	got := make(chan *pubsub.Message, 1)
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go sub.Receive(rctx, func(_ context.Context, m *pubsub.Message) {
		m.Ack()
		select {
		case got <- m:
		default:
		}
		cancel()
	})
	select {
	case m := <-got:
		return m
	case <-ctx.Done():
		t.Fatal("nothing received")
		return nil
	}
}
