package events

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/orgexport/orgexport/shared/export"

	"cloud.google.com/go/pubsub/v2"
)

// Event types.
const (
	// AccountFinished: one account became final.
	AccountFinished = "account.finished"
	// ExportCheck: look whether the export can be assembled (after the
	// 14-day deadline, or when an export has no accounts).
	ExportCheck = "export.check"
)

// Event is the body of a message.
type Event struct {
	Type       string    `json:"type"`
	CustomerID string    `json:"customer_id"`
	ExportID   string    `json:"export_id"`
	AccountKey string    `json:"account_key,omitempty"`
	At         time.Time `json:"at"`
}

// Validate says what is wrong with an event, if anything.
func (e Event) Validate() error {
	switch {
	case e.Type != AccountFinished && e.Type != ExportCheck:
		return fmt.Errorf("unknown event type %q", e.Type)
	case e.CustomerID == "" || e.ExportID == "":
		return errors.New("the event names no customer or export")
	case !export.ValidID(e.CustomerID) || !export.ValidID(e.ExportID) || (e.AccountKey != "" && !export.ValidID(e.AccountKey)):
		return errors.New("the event names an id orgexport never makes")
	}
	return nil
}

// Decode parses a message's data.
func Decode(data []byte) (Event, error) {
	var e Event
	if err := json.Unmarshal(data, &e); err != nil {
		return Event{}, fmt.Errorf("event is not JSON: %w", err)
	}
	return e, e.Validate()
}

// Publisher publishes events to the topic.
type Publisher struct {
	client *pubsub.Client
	pub    *pubsub.Publisher
	now    func() time.Time
}

// New connects to Pub/Sub (or the emulator through PUBSUB_EMULATOR_HOST).
func New(ctx context.Context, project, topic string) (*Publisher, error) {
	c, err := pubsub.NewClient(ctx, project)
	if err != nil {
		return nil, fmt.Errorf("pubsub: %w", err)
	}
	return &Publisher{client: c, pub: c.Publisher(topic), now: time.Now}, nil
}

// Close flushes and releases the client.
func (p *Publisher) Close() error {
	p.pub.Stop()
	return p.client.Close()
}

// Publish sends e and waits until Pub/Sub has it.
func (p *Publisher) Publish(ctx context.Context, e Event) error {
	if e.At.IsZero() {
		e.At = p.now().UTC()
	}
	data, err := json.Marshal(e)
	if err != nil {
		return err
	}
	res := p.pub.Publish(ctx, &pubsub.Message{Data: data, Attributes: map[string]string{
		"type": e.Type, "customer_id": e.CustomerID, "export_id": e.ExportID}})
	if _, err := res.Get(ctx); err != nil {
		return fmt.Errorf("publish %s of %s: %w", e.Type, e.ExportID, err)
	}
	return nil
}

// AccountsFinished asks AssembleReport to check an export.
func (p *Publisher) AccountsFinished(ctx context.Context, cid, eid string) error {
	return p.Publish(ctx, Event{Type: ExportCheck, CustomerID: cid, ExportID: eid})
}

// AccountFinished says one account became final.
func (p *Publisher) AccountFinished(ctx context.Context, cid, eid, key string) error {
	return p.Publish(ctx, Event{Type: AccountFinished, CustomerID: cid, ExportID: eid, AccountKey: key})
}
