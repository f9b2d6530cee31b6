package pubsubpush

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"cloud.google.com/go/pubsub/v2"

	"github.com/orgexport/orgexport/emulators/oidcissuer"
)

// UserAgent is the User-Agent Pub/Sub push sends.
const UserAgent = "APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)"

// deliver pushes m until the endpoint acknowledges it, the route's attempts
// are used up, or ctx ends (the forwarder is stopping: no retry is begun).
// Each push runs under pushes, which ends a drain period after ctx; a push
// cut off by it is abandoned, not failed: it is left unacknowledged, for
// the next run, without a warning.
func (f *Forwarder) deliver(ctx, pushes context.Context, r Route, m *pubsub.Message) {
	for attempt := 1; ; attempt++ {
		code, err := f.push(pushes, r, m, attempt)
		if acknowledges(code) {
			m.Ack()
			return
		}
		if pushes.Err() != nil {
			f.log.Debug("push abandoned: the forwarder is stopping", "subscription", r.Subscription,
				"messageId", m.ID, "attempt", attempt)
			m.Nack()
			return
		}
		f.log.Warn("push not acknowledged", "subscription", r.Subscription, "endpoint", r.Endpoint,
			"messageId", m.ID, "attempt", attempt, "status", code, "error", err)
		if r.MaxDeliveryAttempts > 0 && attempt >= r.MaxDeliveryAttempts {
			f.giveUp(ctx, r, m, attempt)
			return
		}
		if !sleep(ctx, Backoff(attempt, f.opts.MinBackoff, f.opts.MaxBackoff)) {
			m.Nack() // the emulator redelivers it to the next run
			return
		}
	}
}

// acknowledges reports whether a push status code acks the message, as
// Pub/Sub push defines it.
func acknowledges(code int) bool {
	switch code {
	case 102, 200, 201, 202, 204:
		return true
	}
	return false
}

// Backoff is the delay after the attempt-th failed delivery: min doubling
// per attempt, capped at max.
func Backoff(attempt int, min, max time.Duration) time.Duration {
	d := min
	for i := 1; i < attempt && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	return d
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// pushBody is Pub/Sub's push request body. Pub/Sub writes the message id
// and publish time both in camelCase and in snake_case.
type pushBody struct {
	Message         pushMessage `json:"message"`
	Subscription    string      `json:"subscription"`
	DeliveryAttempt int         `json:"deliveryAttempt,omitempty"`
}

type pushMessage struct {
	Data         []byte            `json:"data,omitempty"`
	Attributes   map[string]string `json:"attributes"`
	MessageID    string            `json:"messageId"`
	MessageID2   string            `json:"message_id"`
	PublishTime  string            `json:"publishTime"`
	PublishTime2 string            `json:"publish_time"`
	OrderingKey  string            `json:"orderingKey,omitempty"`
}

// push POSTs one attempt and returns the status code (0 if there was none).
// With duplicates on, the same request (body and token) is POSTed a second
// time; only the original's answer is returned.
func (f *Forwarder) push(ctx context.Context, r Route, m *pubsub.Message, attempt int) (int, error) {
	body, err := json.Marshal(f.body(r, m, attempt))
	if err != nil {
		return 0, err
	}
	tok, err := f.minter.Mint(oidcissuer.Token{Subject: r.ServiceAccount, Email: r.ServiceAccount, Audience: r.Audience})
	if err != nil {
		return 0, fmt.Errorf("mint push token: %w", err)
	}
	var code int
	f.duplicates.Do(func(dup bool) {
		c, err2 := f.post(ctx, r, body, tok)
		if dup {
			f.log.Debug("duplicate push", "subscription", r.Subscription, "messageId", m.ID, "attempt", attempt, "status", c, "error", err2)
			return
		}
		code, err = c, err2
	})
	return code, err
}

// post sends one push request and returns the status code (0 if there was
// none).
func (f *Forwarder) post(ctx context.Context, r Route, body []byte, tok string) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, r.AckDeadline)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.Endpoint, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", UserAgent)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := f.opts.HTTPClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, nil
}

func (f *Forwarder) body(r Route, m *pubsub.Message, attempt int) pushBody {
	attrs := m.Attributes
	if attrs == nil {
		attrs = map[string]string{}
	}
	published := m.PublishTime.UTC().Format(time.RFC3339Nano)
	b := pushBody{
		Message: pushMessage{Data: m.Data, Attributes: attrs, MessageID: m.ID, MessageID2: m.ID,
			PublishTime: published, PublishTime2: published, OrderingKey: m.OrderingKey},
		Subscription: f.subName(r.Subscription),
	}
	if r.MaxDeliveryAttempts > 0 {
		b.DeliveryAttempt = attempt
	}
	return b
}

// giveUp moves a message that used up its attempts to the dead-letter
// topic, with the attributes Pub/Sub adds, or drops it.
func (f *Forwarder) giveUp(ctx context.Context, r Route, m *pubsub.Message, attempts int) {
	if r.DeadLetterTopic == "" {
		f.log.Error("push dropped after max delivery attempts", "subscription", r.Subscription, "messageId", m.ID, "attempts", attempts)
		m.Ack()
		return
	}
	attrs := map[string]string{}
	for k, v := range m.Attributes {
		attrs[k] = v
	}
	attrs["CloudPubSubDeadLetterSourceDeliveryCount"] = strconv.Itoa(attempts)
	attrs["CloudPubSubDeadLetterSourceSubscription"] = r.Subscription
	attrs["CloudPubSubDeadLetterSourceSubscriptionProject"] = f.client.Project()
	attrs["CloudPubSubDeadLetterSourceTopicPublishTime"] = m.PublishTime.UTC().Format(time.RFC3339Nano)
	pub := f.client.Publisher(f.topicName(r.DeadLetterTopic))
	defer pub.Stop()
	if _, err := pub.Publish(ctx, &pubsub.Message{Data: m.Data, Attributes: attrs}).Get(ctx); err != nil {
		f.log.Error("dead-letter publish failed", "subscription", r.Subscription, "messageId", m.ID, "error", err)
		m.Nack()
		return
	}
	f.log.Warn("push dead-lettered", "subscription", r.Subscription, "messageId", m.ID, "attempts", attempts, "topic", r.DeadLetterTopic)
	m.Ack()
}
