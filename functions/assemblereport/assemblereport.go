// Package assemblereport is the AssembleReport function: it receives export
// events from the export-events topic and, once every account of an export
// is final, writes the manifest and report and sends the completion email
// (R9, R11).
//
// It is an HTTP function that verifies the caller's OIDC token first — a
// CloudEvent function cannot see the request's Authorization header — and
// then accepts the event in any of the forms Pub/Sub and Eventarc deliver:
// a CloudEvent in binary or structured mode (an Eventarc trigger), whose
// data is the Pub/Sub message, or a raw Pub/Sub push body (a push
// subscription). Decode reads the export event out of either, once.
package assemblereport

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"

	cloudevents "github.com/cloudevents/sdk-go/v2"

	"github.com/orgexport/orgexport/shared/config"
	"github.com/orgexport/orgexport/shared/entry"
	"github.com/orgexport/orgexport/shared/events"
	"github.com/orgexport/orgexport/shared/httpapi"
	"github.com/orgexport/orgexport/shared/pipeline"

	"github.com/orgexport/orgexport/shared/wire"
)

// Handle serves AssembleReport, built from the environment on first use.
var Handle = entry.ServiceFunction("AssembleReport", config.LoadAssembleReport, wire.AssembleReport, New)

// New is AssembleReport's handler of one delivery. A malformed delivery is
// answered 400 (Pub/Sub sends it to the dead-letter topic after its
// attempts); an event of an unknown export is acknowledged.
func New(pl *pipeline.Pipeline, log *slog.Logger) http.Handler {
	decode := func(r *http.Request) (Delivery, error) {
		d, err := Decode(r)
		if err == nil {
			log.InfoContext(r.Context(), "event received", "delivery", d)
		}
		return d, err
	}
	return httpapi.Task(log, "export event", decode,
		func(ctx context.Context, d Delivery) (any, error) { return nil, pl.Assemble(ctx, d.Event) })
}

// Delivery is one export event as it was delivered: the Pub/Sub message's
// id and the CloudEvent type it came as (a push is the
// google.cloud.pubsub.topic.v1.messagePublished CloudEvent the Functions
// Framework would make of it), for the log.
type Delivery struct {
	ID    string       `json:"id"`
	Type  string       `json:"type"`
	Event events.Event `json:"event"`
}

// messagePublished is the CloudEvent type of a Pub/Sub message.
const messagePublished = "google.cloud.pubsub.topic.v1.messagePublished"

// PushMessage is the data of a messagePublished CloudEvent, and the body of
// a Pub/Sub push.
type PushMessage struct {
	Message struct {
		Data        []byte            `json:"data"`
		Attributes  map[string]string `json:"attributes"`
		MessageID   string            `json:"messageId"`
		PublishTime string            `json:"publishTime"`
	} `json:"message"`
	Subscription string `json:"subscription"`
}

// Decode reads the export event of a delivery, in whichever form it came,
// decoding the body once.
func Decode(r *http.Request) (Delivery, error) {
	pm, typ, err := pushMessage(r)
	if err != nil {
		return Delivery{}, httpapi.BadRequest("%s", err.Error())
	}
	ev, err := events.Decode(pm.Message.Data)
	if err != nil {
		return Delivery{}, httpapi.BadRequest("The Pub/Sub message is not an export event: %s.", err.Error())
	}
	return Delivery{ID: pm.Message.MessageID, Type: typ, Event: ev}, nil
}

// pushMessage reads a delivery's Pub/Sub message: from a CloudEvent in
// binary or structured mode (its data is the message), or from a raw push
// body.
func pushMessage(r *http.Request) (PushMessage, string, error) {
	var pm PushMessage
	if r.Header.Get("Ce-Specversion") != "" || r.Header.Get("Content-Type") == "application/cloudevents+json" {
		ev, err := cloudevents.NewEventFromHTTPRequest(r)
		if err == nil {
			err = ev.Validate() // the SDK reads an event without id, source or type
		}
		if err != nil {
			return pm, "", fmt.Errorf("the CloudEvent cannot be read: %w", err)
		}
		if err := json.Unmarshal(ev.Data(), &pm); err != nil {
			return pm, "", fmt.Errorf("the event's data is not a Pub/Sub message: %w", err)
		}
		if pm.Message.MessageID == "" {
			pm.Message.MessageID = ev.ID()
		}
		return pm, ev.Type(), nil
	}
	// Push bodies carry fields beyond these (message_id, deliveryAttempt,
	// orderingKey…), so this decode is not strict, only bounded.
	body, err := io.ReadAll(io.LimitReader(r.Body, 10<<20))
	if err != nil {
		return pm, "", fmt.Errorf("the body cannot be read: %w", err)
	}
	if err := json.Unmarshal(body, &pm); err != nil {
		return pm, "", fmt.Errorf("the body is not a Pub/Sub push message: %w", err)
	}
	if pm.Message.MessageID == "" {
		return pm, "", errors.New("the Pub/Sub push body has no message id")
	}
	return pm, messagePublished, nil
}
