package pubsubpush

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"cloud.google.com/go/pubsub/v2"
	"cloud.google.com/go/pubsub/v2/apiv1/pubsubpb"
	"golang.org/x/sync/errgroup"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/orgexport/orgexport/emulators/duplicate"
	"github.com/orgexport/orgexport/emulators/oidcissuer"
)

// Minter mints the ID token sent with each push; *oidcissuer.Issuer is one.
type Minter interface {
	Mint(oidcissuer.Token) (string, error)
}

// Route is one push subscription: messages of Topic, pulled through
// Subscription, are POSTed to Endpoint.
type Route struct {
	Topic        string // topic id; created if missing
	Subscription string // pull subscription id on the emulator; created if missing
	Endpoint     string // URL the messages are POSTed to
	// Audience of the token; default Endpoint, as Pub/Sub does.
	Audience string
	// ServiceAccount is the push identity: the token's email claim (and its
	// subject, where Google would put the account's numeric id), which is
	// what verifiers check.
	ServiceAccount string
	// AckDeadline is how long the endpoint has to answer; default 10s.
	AckDeadline time.Duration
	// MaxDeliveryAttempts, if positive, ends retrying after that many
	// attempts: the message goes to DeadLetterTopic if set, else is dropped.
	MaxDeliveryAttempts int
	DeadLetterTopic     string // topic id; created if missing
}

// Options tune the forwarder. The zero value means Pub/Sub's defaults.
type Options struct {
	MinBackoff time.Duration // default 10s
	MaxBackoff time.Duration // default 600s
	// MaxOutstanding bounds the messages in flight per route; default 100.
	MaxOutstanding int
	// Drain is how long pushes in flight when Run's context ends may go on
	// to finish (an endpoint sending an email, say); default 0, abandon
	// them at once. An abandoned push is left unacknowledged, so the
	// emulator delivers it again to the next run.
	Drain      time.Duration
	HTTPClient *http.Client
	Logger     *slog.Logger // default discards
	// Duplicate sends every push a second time, concurrently with the
	// original or right after it answered (package emulators/duplicate);
	// Forwarder.SetDuplicate changes it while running. Off when zero.
	Duplicate duplicate.Mode
}

// Forwarder pulls from the emulator and pushes with a signed token.
type Forwarder struct {
	client *pubsub.Client
	minter Minter
	routes []Route
	opts   Options
	log    *slog.Logger

	duplicates duplicate.Deliveries
	pushing    atomic.Int64 // messages being delivered, retries and duplicates included
}

// New checks the routes and fills in defaults. client's project holds the
// topics and subscriptions.
func New(client *pubsub.Client, minter Minter, routes []Route, o Options) (*Forwarder, error) {
	if o.MinBackoff <= 0 {
		o.MinBackoff = 10 * time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 600 * time.Second
	}
	if o.MaxOutstanding <= 0 {
		o.MaxOutstanding = 100
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{}
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	for i, r := range routes {
		if r.Topic == "" || r.Subscription == "" || r.Endpoint == "" || r.ServiceAccount == "" {
			return nil, fmt.Errorf("push route %d: topic, subscription, endpoint and service account are required", i)
		}
		if routes[i].Audience == "" {
			routes[i].Audience = r.Endpoint
		}
		if routes[i].AckDeadline <= 0 {
			routes[i].AckDeadline = 10 * time.Second
		}
	}
	f := &Forwarder{client: client, minter: minter, routes: routes, opts: o, log: log}
	f.duplicates.Set(o.Duplicate)
	return f, nil
}

// InFlight is the number of messages pulled and not yet acknowledged,
// given up or returned: being pushed, or waiting to be pushed again.
func (f *Forwarder) InFlight() int { return int(f.pushing.Load()) }

// SetDuplicate changes the duplicate-delivery mode of the pushes that start
// from now on.
func (f *Forwarder) SetDuplicate(m duplicate.Mode) { f.duplicates.Set(m) }

// Run creates missing topics and subscriptions, then forwards until ctx
// ends. Then it pulls no more, lets the pushes in flight finish for up to
// Options.Drain, and returns nil.
func (f *Forwarder) Run(ctx context.Context) error {
	if err := f.Ensure(ctx); err != nil {
		return err
	}
	// Pushes run under their own context, which ends Drain after ctx.
	pushes, abandon := context.WithCancel(context.WithoutCancel(ctx))
	defer abandon()
	stopDrain := context.AfterFunc(ctx, func() { time.AfterFunc(f.opts.Drain, abandon) })
	defer stopDrain()
	g, ctx := errgroup.WithContext(ctx)
	for _, r := range f.routes {
		g.Go(func() error { return f.receive(ctx, pushes, r) })
	}
	err := g.Wait()
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// Ensure creates the routes' topics and pull subscriptions if missing.
func (f *Forwarder) Ensure(ctx context.Context) error {
	for _, r := range f.routes {
		for _, t := range []string{r.Topic, r.DeadLetterTopic} {
			if t == "" {
				continue
			}
			_, err := f.client.TopicAdminClient.CreateTopic(ctx, &pubsubpb.Topic{Name: f.topicName(t)})
			if err != nil && status.Code(err) != codes.AlreadyExists {
				return fmt.Errorf("push route %s: create topic %s: %w", r.Subscription, t, err)
			}
		}
		_, err := f.client.SubscriptionAdminClient.CreateSubscription(ctx, &pubsubpb.Subscription{
			Name: f.subName(r.Subscription), Topic: f.topicName(r.Topic),
			AckDeadlineSeconds: int32(max(10, r.AckDeadline/time.Second)),
		})
		if err != nil && status.Code(err) != codes.AlreadyExists {
			return fmt.Errorf("push route %s: create subscription: %w", r.Subscription, err)
		}
	}
	return nil
}

func (f *Forwarder) topicName(id string) string {
	return "projects/" + f.client.Project() + "/topics/" + id
}

func (f *Forwarder) subName(id string) string {
	return "projects/" + f.client.Project() + "/subscriptions/" + id
}

// receive pulls one route's messages until ctx ends; pushes run under
// the pushes context.
func (f *Forwarder) receive(ctx, pushes context.Context, r Route) error {
	sub := f.client.Subscriber(f.subName(r.Subscription))
	sub.ReceiveSettings.MaxOutstandingMessages = f.opts.MaxOutstanding
	sub.ReceiveSettings.NumGoroutines = 1
	// Hold a message for as long as Pub/Sub would keep retrying it (its
	// default retention), instead of the client's 60 minutes, after which
	// the emulator would hand it out a second time.
	sub.ReceiveSettings.MaxExtension = 7 * 24 * time.Hour
	err := sub.Receive(ctx, func(ctx context.Context, m *pubsub.Message) {
		f.pushing.Add(1)
		defer f.pushing.Add(-1)
		f.deliver(ctx, pushes, r, m)
	})
	if err != nil && ctx.Err() == nil {
		return fmt.Errorf("push route %s: receive: %w", r.Subscription, err)
	}
	return ctx.Err()
}
